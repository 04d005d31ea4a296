//! The building blocks of the typed reports, which read none of the report types: named
//! entries serialised as a JSON object, quantiles kept in bins, a key present as null.

use crate::summary::Bins;
use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::SerializeMap};

/// Named entries serialised as a JSON object in their order (endpoints, arms, milestones).
#[derive(Debug, Clone, PartialEq)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Named<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Named(out))
            }
        }
        deserializer.deserialize_map(V(std::marker::PhantomData))
    }
}

impl<T> Named<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// The 2.5%, 50% and 97.5% quantiles of a distribution kept in bins (to within a bin).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    pub q025: Option<f64>,
    pub q500: Option<f64>,
    pub q975: Option<f64>,
}

impl Quantiles {
    pub fn of(b: &Bins) -> Option<Quantiles> {
        (b.total() > 0).then(|| Quantiles { q025: b.quantile(0.025), q500: b.quantile(0.5), q975: b.quantile(0.975) })
    }
}

/// A key that is present (its value possibly null) as `Some`, an absent one as `None`.
pub(super) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}
