mod health_check;
mod subscriptions;

pub use health_check::*;
pub use subscriptions::*;
