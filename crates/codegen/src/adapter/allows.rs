//! Every `#[allow]` in generated code says why.
//!
//! progenitor emits bare `#[allow(unused_imports)]` on its imports and `#[allow(unused_mut)]` on
//! every request it builds. [`explain_progenitor_allows`] removes those that are provably unneeded
//! and gives the others a `reason`; [`unexplained_allows`] finds any allow still without one, so
//! that a progenitor upgrade emitting a new kind fails code generation instead of slipping through.

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Attribute, Item, Meta, Token};

const UNUSED_IMPORTS_REASON: &str = "progenitor imports the same runtime helpers for every API; which of them the operations call depends on the spec";
const UNUSED_MUT_REASON: &str =
    "progenitor declares every request builder mutable, whether or not a hook changes it";
const HOOKS_ASSERTION_REASON: &str =
    "progenitor's compile-time check that the client implements `ClientHooks` is never called";

/// The lints of an `#[allow(...)]` (`None` for other attributes) and whether it has a `reason`.
fn allow_lints(attr: &Attribute) -> Option<(Vec<String>, bool)> {
    if !attr.path().is_ident("allow") {
        return None;
    }
    let metas = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    let mut lints = Vec::new();
    let mut reason = false;
    for meta in metas {
        match meta {
            Meta::NameValue(nv) if nv.path.is_ident("reason") => reason = true,
            other => lints.push(
                quote::ToTokens::to_token_stream(other.path())
                    .to_string()
                    .replace(' ', ""),
            ),
        }
    }
    Some((lints, reason))
}

/// Whether `attr` is exactly `#[allow(<lint>)]`, without a reason.
fn is_bare_allow(attr: &Attribute, lint: &str) -> bool {
    matches!(allow_lints(attr), Some((lints, false)) if lints == [lint])
}

/// Whether `stmts` take `&mut <name>` somewhere (which makes a `let mut name` needed).
fn borrows_mutably(stmts: &mut [syn::Stmt], name: &syn::Ident) -> bool {
    struct Find<'a> {
        name: &'a syn::Ident,
        found: bool,
    }
    impl VisitMut for Find<'_> {
        fn visit_expr_reference_mut(&mut self, reference: &mut syn::ExprReference) {
            if reference.mutability.is_some() {
                if let syn::Expr::Path(path) = reference.expr.as_ref() {
                    self.found |= path.qself.is_none() && path.path.is_ident(self.name);
                }
            }
            syn::visit_mut::visit_expr_reference_mut(self, reference);
        }
    }
    let mut find = Find { name, found: false };
    for stmt in stmts {
        find.visit_stmt_mut(stmt);
    }
    find.found
}

/// The binding a `let mut <ident>` (possibly `let mut <ident>: T`) introduces.
fn mutable_binding(pat: &syn::Pat) -> Option<&syn::Ident> {
    match pat {
        syn::Pat::Ident(p) if p.mutability.is_some() && p.subpat.is_none() => Some(&p.ident),
        syn::Pat::Type(t) => mutable_binding(&t.pat),
        _ => None,
    }
}

/// Replaces each bare `#[allow(<lint>)]` of `attrs` with `explained`, or drops it when there
/// is nothing to allow (`None`).
fn settle_bare_allow(attrs: &mut Vec<Attribute>, lint: &str, explained: Option<Attribute>) {
    match explained {
        None => attrs.retain(|a| !is_bare_allow(a, lint)),
        Some(explained) => {
            for attr in attrs.iter_mut().filter(|a| is_bare_allow(a, lint)) {
                *attr = explained.clone();
            }
        }
    }
}

struct Explain;

impl VisitMut for Explain {
    fn visit_item_fn_mut(&mut self, item: &mut syn::ItemFn) {
        if item.sig.ident == "assert_client_hooks" {
            settle_bare_allow(
                &mut item.attrs,
                "dead_code",
                Some(parse_quote!(#[allow(dead_code, reason = #HOOKS_ASSERTION_REASON)])),
            );
        }
        syn::visit_mut::visit_item_fn_mut(self, item);
    }

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        // rustc never reports a `pub use` as unused: the allow has nothing to silence there.
        let needed = !matches!(item.vis, syn::Visibility::Public(_));
        settle_bare_allow(
            &mut item.attrs,
            "unused_imports",
            needed.then(|| parse_quote!(#[allow(unused_imports, reason = #UNUSED_IMPORTS_REASON)])),
        );
        syn::visit_mut::visit_item_use_mut(self, item);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        for index in 0..block.stmts.len() {
            let (head, rest) = block.stmts.split_at_mut(index + 1);
            let syn::Stmt::Local(local) = &mut head[index] else {
                continue;
            };
            if !local.attrs.iter().any(|a| is_bare_allow(a, "unused_mut")) {
                continue;
            }
            // A binding borrowed `&mut` later on uses its `mut`: nothing to allow.
            let used = mutable_binding(&local.pat)
                .cloned()
                .is_some_and(|name| borrows_mutably(rest, &name));
            settle_bare_allow(
                &mut local.attrs,
                "unused_mut",
                (!used).then(|| parse_quote!(#[allow(unused_mut, reason = #UNUSED_MUT_REASON)])),
            );
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// Removes progenitor's `#[allow(unused_imports)]` on `pub use` (never reported) and its
/// `#[allow(unused_mut)]` on a `let mut x` that is later borrowed `&mut x`; gives every other
/// such allow, and the `#[allow(dead_code)]` on its `ClientHooks` assertion, a `reason`.
pub fn explain_progenitor_allows(items: &mut [Item]) {
    for item in items {
        Explain.visit_item_mut(item);
    }
}

/// Every `#[allow(...)]` of `items` that has no `reason`, as `allow(lint, ...)`.
pub fn unexplained_allows(items: &[Item]) -> Vec<String> {
    struct Find(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_attribute(&mut self, attr: &'ast Attribute) {
            if let Some((lints, false)) = allow_lints(attr) {
                self.0.push(format!("allow({})", lints.join(", ")));
            }
        }
    }
    let mut find = Find(Vec::new());
    for item in items {
        syn::visit::Visit::visit_item(&mut find, item);
    }
    find.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        explain_progenitor_allows(&mut file.items);
        prettyplease::unparse(&file)
    }

    fn unexplained_in(code: &str) -> Vec<String> {
        unexplained_allows(&syn::parse_str::<syn::File>(code).unwrap().items)
    }

    #[test]
    fn pub_use_loses_the_allow_and_private_use_gets_a_reason() {
        let out = explained(
            "#[allow(unused_imports)] pub use a::B;\n#[allow(unused_imports)] use a::C;\nmod m { #[allow(unused_imports)] pub use super::B; }",
        );
        assert_eq!(out.matches("#[allow(").count(), 1, "{out}");
        assert!(out.contains("reason = \"progenitor imports"), "{out}");
        assert_eq!(unexplained_in(&out), Vec::<String>::new());
    }

    #[test]
    fn unused_mut_goes_only_where_the_binding_is_borrowed_mutably() {
        let out = explained(
            "fn f() { #[allow(unused_mut)] let mut a = 1; g(&mut a); #[allow(unused_mut)] let mut b = 2; g(&b); }",
        );
        assert_eq!(out.matches("#[allow(").count(), 1, "{out}");
        assert!(out.contains("reason = \"progenitor declares"), "{out}");
        assert!(out.contains("let mut b"), "{out}");
    }

    #[test]
    fn the_hooks_assertion_gets_a_reason() {
        let out = explained(
            "const _: () = { #[allow(dead_code)] fn assert_client_hooks() where Client: ClientHooks<R> {} };",
        );
        assert!(
            out.contains("reason = \"progenitor's compile-time check"),
            "{out}"
        );
        assert_eq!(unexplained_in(&out), Vec::<String>::new());
    }

    #[test]
    fn an_allow_without_reason_is_found() {
        let found = unexplained_in(
            "#[allow(dead_code)] fn f() { #[allow(clippy::x, unused)] let a = 1; }\n#[allow(unused, reason = \"why\")] fn g() {}",
        );
        assert_eq!(found, ["allow(dead_code)", "allow(clippy::x, unused)"]);
    }
}
