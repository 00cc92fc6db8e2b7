//! The types crate's record structs ("shapes"): which members a constructor takes and which get
//! a setter. Read by the adapter from typify's structs, before the adapter's own rewrites.

/// One struct with named fields of the types crate.
pub struct Shape {
    pub ident: syn::Ident,
    pub fields: Vec<ShapeField>,
}

/// One member of a [`Shape`].
pub struct ShapeField {
    pub ident: syn::Ident,
    /// The field's type.
    pub ty: syn::Type,
    /// Required in the spec: a constructor argument. Optional members get a `with_…` setter.
    pub required: bool,
    /// What an optional member starts as in the constructor (`Default::default()`, or the
    /// spec's default through typify's `defaults::…` function).
    pub initial: syn::Expr,
    /// For an optional `Option<T>` member: `T`, which its setter takes (and wraps in `Some`).
    pub option_of: Option<syn::Type>,
    /// The field's doc text, for the constructor's and the setter's docs.
    pub doc: Option<String>,
}

impl Shape {
    pub fn required(&self) -> impl Iterator<Item = &ShapeField> {
        self.fields.iter().filter(|f| f.required)
    }

    pub fn optional(&self) -> impl Iterator<Item = &ShapeField> {
        self.fields.iter().filter(|f| !f.required)
    }
}
