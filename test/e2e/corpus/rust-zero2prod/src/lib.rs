pub mod configuration;
pub mod routes;
pub mod startup;
