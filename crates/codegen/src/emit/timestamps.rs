//! The types crate's `timestamp` module (the API's declared form, which every date-time field's
//! serde goes through) and the `instant()` of objects holding Unix seconds.

use proc_macro2::TokenStream;
use quote::quote;
use timestamp_form::{Form, Fraction, Offset};

use crate::model::ApiModel;

/// `pub mod timestamp` and the `instant()` impls; nothing when the spec declares no form.
pub fn items(model: &ApiModel) -> TokenStream {
    let Some(timestamps) = &model.timestamps else {
        return TokenStream::new();
    };
    let form = form_tokens(timestamps.form);
    let doc = format!(
        "Date-times as the {} writes them (`x-timestamp-form` in the spec): {}. Every date-time\nfield reads and writes through this module (`#[serde(with = \"crate::timestamp\")]`).",
        model.title,
        describe(timestamps.form)
    );
    let instants = model.instants.iter().map(|instant| {
        let (ty, member) = (&instant.type_name, &instant.member);
        let doc = format!("The instant `{member}` holds (Unix seconds, UTC).");
        quote! {
            impl #ty {
                #[doc = #doc]
                pub fn instant(&self) -> ::std::result::Result<::chrono::DateTime<::chrono::offset::Utc>, ::timestamp_form::OutOfRange> {
                    ::timestamp_form::from_unix_seconds(self.#member)
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub mod timestamp {
            /// The API's form.
            pub const FORM: ::timestamp_form::Form = #form;

            /// The API's text for `instant`.
            pub fn text(instant: &::chrono::DateTime<::chrono::offset::Utc>) -> ::std::string::String {
                FORM.write(instant)
            }

            /// Reads a date-time the API may send.
            pub fn read(text: &str) -> ::std::result::Result<::chrono::DateTime<::chrono::offset::Utc>, ::timestamp_form::ReadError> {
                FORM.read(text)
            }

            /// Serde for a date-time field.
            pub fn serialize<S: ::serde::Serializer>(
                instant: &::chrono::DateTime<::chrono::offset::Utc>,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                FORM.serialize(instant, serializer)
            }

            /// Serde for a date-time field.
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<::chrono::DateTime<::chrono::offset::Utc>, D::Error> {
                FORM.deserialize(deserializer)
            }

            /// Serde for an optional or nullable date-time field (`null` is `None`).
            pub mod option {
                /// Serde for an optional date-time field.
                pub fn serialize<S: ::serde::Serializer>(
                    instant: &::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                    serializer: S,
                ) -> ::std::result::Result<S::Ok, S::Error> {
                    super::FORM.serialize_option(instant, serializer)
                }

                /// Serde for an optional date-time field.
                pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>, D::Error> {
                    super::FORM.deserialize_option(deserializer)
                }
            }
        }

        #(#instants)*
    }
}

/// The form in words, for docs.
fn describe(form: Form) -> String {
    let fraction = match form.fraction {
        Fraction::Digits(0) => "no fractional seconds".to_owned(),
        Fraction::Digits(n) => format!("{n} fractional digits"),
        Fraction::Trimmed => "fractional seconds with trailing zeros trimmed".to_owned(),
    };
    let offset = match form.offset {
        Offset::None => "no UTC offset (read as UTC when absent)",
        Offset::Z => "`Z`",
    };
    format!("written with {fraction} and {offset}; read with 0 to 9 fractional digits")
}

fn form_tokens(form: Form) -> TokenStream {
    let offset = match form.offset {
        Offset::None => quote!(::timestamp_form::Offset::None),
        Offset::Z => quote!(::timestamp_form::Offset::Z),
    };
    let fraction = match form.fraction {
        Fraction::Digits(n) => quote!(::timestamp_form::Fraction::Digits(#n)),
        Fraction::Trimmed => quote!(::timestamp_form::Fraction::Trimmed),
    };
    quote!(::timestamp_form::Form::new(#offset, #fraction))
}
