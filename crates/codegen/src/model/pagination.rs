//! Paging, as the operation's `x-pagination` states it (validated by spec-model).

/// How a list operation pages: what its `*_stream` method needs.
pub struct Pagination {
    /// The offset (skip) query parameter's spec name.
    pub offset: String,
    /// The page-size query parameter's spec name.
    pub limit: String,
    /// The page size when the caller gives none (the parameter's `default`).
    pub limit_default: Option<u64>,
    /// The success body's field holding the page's items.
    pub items_field: syn::Ident,
    /// The items' type in the types crate.
    pub item_type: syn::Ident,
    /// The success body's field saying more pages follow, if the spec has one.
    pub has_more: Option<HasMore>,
}

pub struct HasMore {
    pub field: syn::Ident,
    /// Whether the field is required (a `bool`, not an `Option<bool>`).
    pub required: bool,
}
