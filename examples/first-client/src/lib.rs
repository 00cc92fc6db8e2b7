//! What a team writes first with the generated clients, from the workspace README alone: sign a
//! user up on each vendor. The tests run it against `sandbox::TestSandbox`.

use std::error::Error;

/// Signs a user up on insightIQ; returns the vendor's id for them.
pub async fn sign_up_insightiq(
    client: &insightiq_client::Client,
    external_id: &str,
    name: &str,
) -> Result<String, Box<dyn Error>> {
    use insightiq_client::types::UserCreateRequest;
    let user = client
        .create_user(UserCreateRequest::new(external_id, name))
        .send()
        .await?;
    Ok(user.id.to_string())
}

/// Signs a reader up on Publica.la; returns the vendor's numeric id.
pub async fn sign_up_publica(
    client: &publica_client::Client,
    email: &str,
    external_id: &str,
) -> Result<i64, Box<dyn Error>> {
    use publica_client::types::UserCreateRequest;
    let request = UserCreateRequest::builder()
        .email(email)
        .external_id(external_id)
        .build();
    let created = client.create_user(request).send().await?;
    Ok(created.into_inner().data.id)
}

/// Signs a user up on Instabot; returns how many users the first page then lists.
pub async fn sign_up_instabot(
    client: &instabot_client::Client,
    user_name: &str,
    password: &str,
) -> Result<usize, Box<dyn Error>> {
    use instabot_client::types::UserCreateRequest;
    let request = UserCreateRequest::builder()
        .user_name(user_name)
        .user_password(password)
        .build();
    client.create_user(request).send().await?;
    let page = client.list_users().send().await?;
    Ok(page.into_inner().data.len())
}
