use zero2prod::configuration::get_configuration;
use zero2prod::startup::Application;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let configuration = get_configuration().expect("Failed to read configuration.");
    let application = Application::build(configuration).await?;
    println!("listening on port {}", application.port());
    application.run_until_stopped().await?;
    Ok(())
}
