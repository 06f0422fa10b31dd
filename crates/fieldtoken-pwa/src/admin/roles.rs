//! `/admin/roles`: the organisation's custom roles (any subset of the core's permissions) and its users, each
//! holding one role, with API tokens that act for a user. The MDM refuses a role users hold, or granting what
//! the admin lacks; this page repeats its words next to the control.

use std::sync::Arc;

use fieldtoken_core::{Permission, PermissionSet};
use leptos::prelude::*;
use serde_json::json;

use super::kit::{self, Cell, Control};
use fieldtoken_api::Permission as PermissionName;
use fieldtoken_api::org::{Role, User};

const ROLES: &str = "/api/v1/roles";
const USERS: &str = "/api/v1/users";

/// `/admin/roles`.
#[component]
pub fn RolesPage() -> impl IntoView {
    kit::admin_page("Roles & Users", roles)
}

/// One checkbox per permission of the core, in its display order.
type Checks = [RwSignal<bool>; Permission::ALL.len()];

fn checks() -> Checks {
    std::array::from_fn(|_| RwSignal::new(false))
}

/// The checkboxes as a fieldset titled `legend`.
fn checks_group(legend: &'static str, checks: Checks) -> Control {
    Control::Group(
        legend,
        "permissions",
        Permission::ALL
            .into_iter()
            .zip(checks)
            .map(|(p, check)| Control::Check(p.as_str(), check))
            .collect(),
    )
}

fn checked_names(checks: Checks) -> Vec<&'static str> {
    Permission::ALL
        .into_iter()
        .zip(checks)
        .filter(|(_, check)| check.get_untracked())
        .map(|(p, _)| p.as_str())
        .collect()
}

fn set_checks(checks: Checks, set: PermissionSet) {
    for (p, check) in Permission::ALL.into_iter().zip(checks) {
        check.set(set.contains(p));
    }
}

fn roles() -> AnyView {
    let roles = RwSignal::new(Vec::<Role>::new());
    let users = RwSignal::new(Vec::<User>::new());
    let said = kit::said();
    let reload = move || {
        kit::load(ROLES, roles, said);
        kit::load(USERS, users, said);
    };
    reload();
    let role_options = Arc::new(move || {
        roles.with(|r| {
            r.iter()
                .map(|r| (r.id.to_string(), r.name.clone()))
                .collect()
        })
    });

    let [role_said, edit_said, user_said, token_said, users_said] = [(); 5].map(|_| kit::said());
    let role_name = RwSignal::new(String::new());
    let role_checks = checks();
    let create_role = move || {
        let typed = role_name.get_untracked().trim().to_owned();
        kit::run(
            role_said,
            "The role was not created".into(),
            (
                "POST",
                ROLES.into(),
                Some(json!({ "name": typed, "permissions": checked_names(role_checks) })),
            ),
            Box::new(move |_| {
                role_name.set(String::new());
                set_checks(role_checks, PermissionSet::empty());
                format!("The role “{typed}” was created.")
            }),
            kit::always(reload),
        );
    };

    // Choosing a role to edit shows its permissions, ready to change.
    let edited = RwSignal::new(String::new());
    let edit_checks = checks();
    Effect::new(move || {
        if let Some(id) = kit::chosen(edited) {
            roles.with(|r| {
                if let Some(role) = r.iter().find(|r| r.id == id) {
                    set_checks(edit_checks, PermissionName::known_set(&role.permissions));
                }
            });
        }
    });
    let edit_role = move || {
        let Some(id) = kit::chosen(edited) else {
            return edit_said.set(Some(Err("Choose the role to change.".into())));
        };
        kit::run(
            edit_said,
            "The role's permissions were not changed".into(),
            (
                "PATCH",
                format!("{ROLES}/{id}"),
                Some(json!({ "permissions": checked_names(edit_checks) })),
            ),
            Box::new(|role| {
                format!(
                    "The role “{}” now has {} permission(s); its users' tokens follow at once.",
                    role["name"].as_str().unwrap_or_default(),
                    role["permissions"].as_array().map_or(0, Vec::len)
                )
            }),
            kit::always(reload),
        );
    };
    let delete_role = move |id: u32, name: String| {
        kit::run(
            said,
            format!("The role “{name}” was not deleted"),
            ("DELETE", format!("{ROLES}/{id}"), None),
            Box::new(move |_| format!("The role “{name}” was deleted.")),
            kit::always(reload),
        );
    };

    let user_name = RwSignal::new(String::new());
    let user_role = RwSignal::new(String::new());
    let create_user = move || {
        let typed = user_name.get_untracked().trim().to_owned();
        let Some(role_id) = kit::chosen(user_role) else {
            return user_said.set(Some(Err("Choose the user's role.".into())));
        };
        kit::run(
            user_said,
            "The user was not created".into(),
            (
                "POST",
                USERS.into(),
                Some(json!({ "name": typed, "role_id": role_id })),
            ),
            Box::new(move |_| {
                user_name.set(String::new());
                format!("The user “{typed}” was created.")
            }),
            kit::always(reload),
        );
    };

    // A new API token starts with its user's role's permissions; the admin may narrow them.
    let token_user = RwSignal::new(String::new());
    let token_name = RwSignal::new(String::new());
    let token_checks = checks();
    let secret = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(id) = kit::chosen(token_user) {
            users.with(|u| {
                if let Some(user) = u.iter().find(|u| u.id == id) {
                    set_checks(token_checks, PermissionName::known_set(&user.permissions));
                }
            });
        }
    });
    let create_token = move || {
        let Some(id) = kit::chosen(token_user) else {
            return token_said.set(Some(Err("Choose the user the token acts for.".into())));
        };
        let typed = token_name.get_untracked().trim().to_owned();
        secret.set(None);
        kit::run(
            token_said,
            "The API token was not created".into(),
            (
                "POST",
                format!("{USERS}/{id}/api-tokens"),
                Some(json!({ "name": typed, "permissions": checked_names(token_checks) })),
            ),
            Box::new(move |answer| {
                secret.set(answer["token"].as_str().map(str::to_owned));
                token_name.set(String::new());
                format!(
                    "The API token “{typed}” was created. It may do now: {}.",
                    answer["effective_permissions"]
                        .as_array()
                        .filter(|names| !names.is_empty())
                        .map_or_else(
                            || "nothing".into(),
                            |names| names
                                .iter()
                                .filter_map(|n| n.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                )
            }),
            Box::new(drop),
        );
    };

    let role_rows = move || {
        roles
            .get()
            .into_iter()
            .map(|role| {
                let (id, name) = (role.id, role.name.clone());
                vec![
                    Cell::Head(role.name.clone()),
                    Cell::Text(
                        role.permissions
                            .iter()
                            .map(|p| p.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    Cell::Text(role.users.to_string()),
                    Cell::Buttons(vec![
                        kit::button(
                            "Edit permissions",
                            format!("Edit permissions of “{}”", role.name),
                            "",
                            move || edited.set(id.to_string()),
                        ),
                        kit::irreversible(
                            "Delete",
                            format!("Delete “{}”", role.name),
                            "Delete this role? Only a role nobody holds can be deleted.",
                            move || delete_role(id, name.clone()),
                        ),
                    ]),
                ]
            })
            .collect()
    };
    let user_rows = move || {
        users
            .get()
            .into_iter()
            .map(|user| {
                let id = user.id;
                vec![
                    Cell::Head(user.name.clone()),
                    Cell::Text(user.role.name),
                    Cell::Buttons(vec![kit::button(
                        "New API token",
                        format!("New API token for “{}”", user.name),
                        "",
                        move || {
                            token_user.set(id.to_string());
                            users_said.set(Some(Ok(
                                "Name the token below and press “Create API token”.".into(),
                            )));
                        },
                    )]),
                ]
            })
            .collect()
    };

    // One list of views rather than one `view!` tuple: the kit's parts render it without a type of its own.
    [
        view! { <h2>"Roles"</h2> }.into_any(),
        kit::said_view(said),
        kit::table(
            "The organisation's roles".into(),
            vec!["Name", "Permissions", "Users", "Actions"],
            Arc::new(role_rows),
        ),
        kit::form(
            "new-role-title",
            "New role",
            vec![
                Control::Input("new-role-name".into(), "Name", "text", role_name),
                checks_group("Permissions", role_checks),
            ],
            "Create role",
            Some(role_said),
            Arc::new(create_role),
        ),
        kit::form(
            "edit-role-title",
            "Change a role's permissions",
            vec![
                Control::Select(
                    "edit-role".into(),
                    "Role",
                    Some("Choose…"),
                    role_options.clone(),
                    edited,
                ),
                checks_group("Permissions", edit_checks),
            ],
            "Save permissions",
            Some(edit_said),
            Arc::new(edit_role),
        ),
        view! { <h2>"Users"</h2> }.into_any(),
        kit::said_view(users_said),
        kit::table(
            "The organisation's users and their roles".into(),
            vec!["Name", "Role", "Actions"],
            Arc::new(user_rows),
        ),
        kit::form(
            "new-user-title",
            "New user",
            vec![
                Control::Input("new-user-name".into(), "Name", "text", user_name),
                Control::Select(
                    "new-user-role".into(),
                    "Role",
                    Some("Choose…"),
                    role_options,
                    user_role,
                ),
            ],
            "Create user",
            Some(user_said),
            Arc::new(create_user),
        ),
        kit::form(
            "new-api-token-title",
            "New API token",
            vec![
                Control::Select(
                    "token-user".into(),
                    "User",
                    Some("Choose…"),
                    Arc::new(move || {
                        users.with(|u| {
                            u.iter()
                                .map(|u| (u.id.to_string(), u.name.clone()))
                                .collect()
                        })
                    }),
                    token_user,
                ),
                Control::Input("token-name".into(), "Token name", "text", token_name),
                Control::Note(
                    "The token acts only within its user's role, whatever is ticked here.",
                ),
                checks_group("Token permissions", token_checks),
            ],
            "Create API token",
            Some(token_said),
            Arc::new(create_token),
        ),
        (move || {
            secret.get().map(|token| {
                view! {
                    <div class="card" role="region" aria-labelledby="secret-title">
                        <h3 id="secret-title">"The new API token"</h3>
                        <p class="help">"Copy it now: it is shown this once."</p>
                        <p><code class="secret">{token}</code></p>
                    </div>
                }
            })
        })
        .into_any(),
    ]
    .into_iter()
    .collect_view()
    .into_any()
}
