policy_macros::grants! {
    pub static DEPLOYMENT = {
        permit reads {}
    };
}

fn main() {}
