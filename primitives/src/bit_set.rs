//! A set of the variants of a small enum as a bit set, with the set algebra consent needs.

/// A set of `$item`s as a bit set (`$item as u8` is the bit's position), with the set algebra
/// consent needs. SCALE encodes it as a `u8`, JSON as a list. The caller's module imports the
/// codec and `scale_info` derives (and `Vec`) it expands to.
macro_rules! bit_set {
	($(#[$meta:meta])* $set:ident of $item:ident, all: $all:expr, json: $json:literal) => {
		$(#[$meta])*
		#[derive(
			Clone,
			Copy,
			Default,
			PartialEq,
			Eq,
			Encode,
			Decode,
			DecodeWithMemTracking,
			MaxEncodedLen,
			TypeInfo,
			Debug,
		)]
		#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
		#[cfg_attr(feature = "std", serde(into = $json, from = $json))]
		pub struct $set(pub u8);

		impl $set {
			/// The empty set.
			pub const EMPTY: $set = $set(0);
			/// Every member.
			pub const ALL: $set = $set($all);

			/// Whether `item` is in the set.
			pub fn contains(self, item: $item) -> bool {
				self.0 & (1 << item as u8) != 0
			}
			/// Whether every member of `other` is in the set.
			pub fn contains_all(self, other: $set) -> bool {
				self.0 & other.0 == other.0
			}
			/// Whether the set is empty (unknown bits are no member).
			pub fn is_empty(self) -> bool {
				self.0 & Self::ALL.0 == 0
			}
			/// The set with `item` added.
			pub fn with(self, item: $item) -> $set {
				$set(self.0 | 1 << item as u8)
			}
			/// The set with `item` removed.
			pub fn without(self, item: $item) -> $set {
				$set(self.0 & !(1 << item as u8))
			}
			/// The members of either set.
			pub fn union(self, other: $set) -> $set {
				$set(self.0 | other.0)
			}
			/// The members of `self` that are not in `other`.
			pub fn difference(self, other: $set) -> $set {
				$set(self.0 & !other.0)
			}
			/// The members of both sets.
			pub fn intersection(self, other: $set) -> $set {
				$set(self.0 & other.0)
			}
			/// The members, in order.
			pub fn iter(self) -> impl Iterator<Item = $item> {
				$item::ALL.into_iter().filter(move |p| self.contains(*p))
			}
		}

		#[cfg(feature = "std")]
		impl From<$set> for Vec<$item> {
			fn from(set: $set) -> Self {
				set.iter().collect()
			}
		}

		#[cfg(feature = "std")]
		impl From<Vec<$item>> for $set {
			fn from(items: Vec<$item>) -> Self {
				items.into_iter().collect()
			}
		}

		impl FromIterator<$item> for $set {
			fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> Self {
				iter.into_iter().fold($set::EMPTY, $set::with)
			}
		}
	};
}

pub(crate) use bit_set;
