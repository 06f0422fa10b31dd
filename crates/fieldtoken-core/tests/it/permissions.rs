//! Permissions, exactly as the seed names them.

use fieldtoken_core::*;

#[test]
fn seed_names_parse_and_print() {
    // seed 000: "Read (fms.actiontoken.read)", "Create (fms.actiontoken.create)", "Delete (fms.actiontoken.delete)"
    for (name, p) in [
        ("fms.actiontoken.read", Permission::ActionTokenRead),
        ("fms.actiontoken.create", Permission::ActionTokenCreate),
        ("fms.actiontoken.delete", Permission::ActionTokenDelete),
    ] {
        assert_eq!(Permission::parse(name), Ok(p));
        assert_eq!(p.as_str(), name);
    }
    for p in Permission::ALL {
        assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
    }
    for bad in [
        "",
        "fms.actiontoken",
        "FMS.ACTIONTOKEN.READ",
        "fms.actiontoken.update",
    ] {
        assert_eq!(
            Permission::parse(bad).unwrap_err().code(),
            "unknown_permission",
            "{bad}"
        );
    }
}

#[test]
fn the_screen_and_the_api_follow_the_set() {
    // seed 000: "without this permission: The Action Tokens page and API endpoint can't be accessed" (read);
    // "The buttons to create new Access Tokens are not visible and it is impossible to create new Action Tokens
    // through the API endpoint" (create); "The buttons to delete Actions Tokens are not visible, and it is impossible
    // to delete existing Action Tokens" (delete).
    let cases: [(&[&str], [bool; 3], [&str; 3]); 5] = [
        (
            &[],
            [false, false, false],
            ["forbidden", "forbidden", "forbidden"],
        ),
        (
            &["fms.actiontoken.read"],
            [true, false, false],
            ["ok", "forbidden", "forbidden"],
        ),
        (
            &["fms.actiontoken.read", "fms.actiontoken.create"],
            [true, true, false],
            ["ok", "ok", "forbidden"],
        ),
        (
            &["fms.actiontoken.read", "fms.actiontoken.delete"],
            [true, false, true],
            ["ok", "forbidden", "ok"],
        ),
        (
            &["fms.actiontoken.create"],
            [false, false, false],
            ["forbidden", "ok", "forbidden"],
        ),
    ];
    for (names, [page, new_button, delete_button], api) in cases {
        let set = PermissionSet::parse(names.iter().copied()).unwrap();
        let screen = set.action_token_screen();
        assert_eq!(
            [screen.page, screen.new_button, screen.delete_button],
            [page, new_button, delete_button],
            "{names:?}"
        );
        let api_got = [
            Permission::ActionTokenRead,
            Permission::ActionTokenCreate,
            Permission::ActionTokenDelete,
        ]
        .map(|p| set.require(p).map_or_else(|e| e.code(), |()| "ok"));
        assert_eq!(api_got, api, "{names:?}");
    }
}

#[test]
fn sets_carry_any_subset() {
    // DESIGN: "Custom roles and API tokens carry any subset."
    let all = PermissionSet::all();
    assert_eq!(all.iter().count(), Permission::ALL.len());
    let some = PermissionSet::parse(["fms.device.read", "fms.fleet.write"]).unwrap();
    assert_eq!(some.names(), ["fms.device.read", "fms.fleet.write"]);
    assert!(all.can_grant(some) && !some.can_grant(all));
    assert_eq!(
        PermissionSet::parse(["fms.device.read", "nope"])
            .unwrap_err()
            .code(),
        "unknown_permission"
    );
}

#[test]
fn custom_roles_narrow_their_users_tokens_and_are_changed_only_within_what_the_changer_holds() {
    let set = |names: &[&str]| PermissionSet::parse(names.iter().copied()).unwrap();
    let read = "fms.actiontoken.read";
    let create = "fms.actiontoken.create";
    let delete = "fms.actiontoken.delete";
    // (token's own subset, role, what the token may do)
    for (token, role, acts) in [
        (
            &[read, create][..],
            &[read, create, delete][..],
            &[read, create][..],
        ),
        (&[read, create], &[read], &[read]),
        (&[read], &[], &[]),
        (&[], &[read], &[]),
    ] {
        assert_eq!(
            set(token).intersection(set(role)),
            set(acts),
            "{token:?} {role:?}"
        );
    }
    // (changer holds, role before, role after, allowed)
    for (holds, before, after, allowed) in [
        (&[read][..], &[read, delete][..], &[read][..], false),
        (&[read], &[read, delete], &[][..], false),
        (&[read], &[read, delete], &[read, delete], true),
        (&[read, delete], &[read, delete], &[delete], true),
        (&[read], &[read, create], &[create], true),
        (&[read], &[read, create], &[], false),
        (&[read], &[read], &[read, delete], false),
        (&[read, delete], &[read], &[read, delete], true),
        (&[], &[create], &[read], false),
    ] {
        assert_eq!(
            set(holds).can_change(set(before), set(after)),
            allowed,
            "{holds:?}: {before:?} -> {after:?}"
        );
    }
}
