//! How the chain's types look in JSON (the node's `licentia_` RPC methods): bytes that are text
//! (DIDs, Mastodon accounts, URIs, CIDs) as strings, keys, ids and signatures as `0x` hex,
//! purpose sets as lists of purpose names. Only in `std` builds: the runtime never sees JSON.

use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

/// Bytes that are UTF-8 text (a DID, `user@instance`, a URI, a CID), as a JSON string.
pub mod text {
	use super::*;
	use sp_core::Get;
	use sp_runtime::BoundedVec;

	pub fn serialize<S: Serializer, N>(bytes: &BoundedVec<u8, N>, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&String::from_utf8_lossy(bytes))
	}

	pub fn deserialize<'de, D: Deserializer<'de>, N: Get<u32>>(
		d: D,
	) -> Result<BoundedVec<u8, N>, D::Error> {
		let text = String::deserialize(d)?;
		let len = text.len();
		text.into_bytes()
			.try_into()
			.map_err(|_| D::Error::custom(format!("{len} bytes is longer than {}", N::get())))
	}
}

/// Optional text.
pub mod opt_text {
	use super::*;
	use sp_core::Get;
	use sp_runtime::BoundedVec;

	pub fn serialize<S: Serializer, N>(
		bytes: &Option<BoundedVec<u8, N>>,
		s: S,
	) -> Result<S::Ok, S::Error> {
		match bytes {
			Some(bytes) => s.serialize_some(&*String::from_utf8_lossy(bytes)),
			None => s.serialize_none(),
		}
	}

	pub fn deserialize<'de, D: Deserializer<'de>, N: Get<u32>>(
		d: D,
	) -> Result<Option<BoundedVec<u8, N>>, D::Error> {
		match Option::<String>::deserialize(d)? {
			None => Ok(None),
			Some(text) => {
				let len = text.len();
				text.into_bytes().try_into().map(Some).map_err(|_| {
					D::Error::custom(format!("{len} bytes is longer than {}", N::get()))
				})
			},
		}
	}
}

/// A fixed-size byte array as `0x`-prefixed lowercase hex of exactly its length (the prefix is
/// optional on input). Decoded by the `hex` crate, which reads bytes, not characters: any string,
/// however it mixes multi-byte UTF-8 into its digits, is an error, never a panic.
pub mod hex_array {
	use super::*;

	pub fn serialize<S: Serializer, const N: usize>(
		bytes: &[u8; N],
		s: S,
	) -> Result<S::Ok, S::Error> {
		s.serialize_str(&format!("0x{}", hex::encode(bytes)))
	}

	pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
		d: D,
	) -> Result<[u8; N], D::Error> {
		let text = String::deserialize(d)?;
		let digits = text.strip_prefix("0x").unwrap_or(&text);
		let mut bytes = [0u8; N];
		hex::decode_to_slice(digits, &mut bytes).map_err(|e| match e {
			hex::FromHexError::InvalidStringLength | hex::FromHexError::OddLength => {
				D::Error::custom(format!(
					"expected {N} bytes as {} hex digits, got {} characters",
					2 * N,
					digits.chars().count()
				))
			},
			e => D::Error::custom(format!("not hex: {e}")),
		})?;
		Ok(bytes)
	}
}

/// A number that JavaScript cannot hold exactly (a u64 id, a u128 balance), as a decimal string;
/// a JSON number is accepted too.
pub mod number_text {
	use super::*;
	use core::{fmt::Display, str::FromStr};

	pub fn serialize<S: Serializer, T: Display>(value: &T, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(value)
	}

	pub fn deserialize<'de, D: Deserializer<'de>, T: FromStr>(d: D) -> Result<T, D::Error> {
		#[derive(Deserialize)]
		#[serde(untagged)]
		enum Number {
			Text(String),
			Number(serde_json_number::Number),
		}
		let text = match Number::deserialize(d)? {
			Number::Text(text) => text,
			Number::Number(n) => n.0,
		};
		text.trim()
			.parse()
			.map_err(|_| D::Error::custom(format!("not a non-negative integer: {text:?}")))
	}

	mod serde_json_number {
		/// Any JSON number, kept as its decimal text.
		pub struct Number(pub String);

		impl<'de> serde::Deserialize<'de> for Number {
			fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
				struct Visitor;
				impl serde::de::Visitor<'_> for Visitor {
					type Value = Number;
					fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
						f.write_str("an integer")
					}
					fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
						Ok(Number(v.to_string()))
					}
					fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
						Ok(Number(v.to_string()))
					}
					fn visit_u128<E>(self, v: u128) -> Result<Number, E> {
						Ok(Number(v.to_string()))
					}
					fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
						Err(E::custom(format!("not an integer: {v}")))
					}
				}
				d.deserialize_any(Visitor)
			}
		}
	}
}

/// Unbounded bytes that are UTF-8 text, as a JSON string.
pub mod vec_text {
	use super::*;

	pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&String::from_utf8_lossy(bytes))
	}

	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		Ok(String::deserialize(d)?.into_bytes())
	}
}
