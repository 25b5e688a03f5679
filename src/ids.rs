//! Typed ids for the things the model counts: a service, a task slot, an instance, a capacity
//! provider and a fault stream. Each is a `u32` newtype, so passing an instance where a task
//! slot belongs does not compile; [`IdVec`] is a vector indexed by one kind of id only.
//!
//! This module depends on nothing else in the crate, so every layer (placement, model, cost,
//! report) can share the ids without depending on one another.
//!
//! ```
//! use ecsim::ids::{IdVec, ServiceId};
//! let mut names: IdVec<ServiceId, &str> = IdVec::new();
//! let web = names.push("web");
//! let api = names.push("api");
//! assert_eq!((web, api), (ServiceId(0), ServiceId(1)));
//! assert_eq!(names[api], "api");
//! assert_eq!(names.ids().collect::<Vec<_>>(), [web, api]);
//! ```

use std::fmt;
use std::marker::PhantomData;

/// An id kind: a `u32` newtype that converts to and from a vector index.
pub trait Id: Copy + Ord + fmt::Debug {
    /// The id of vector index `i` (ids are dense from 0).
    fn from_index(i: usize) -> Self;
    /// The vector index of the id.
    fn index(self) -> usize;
}

macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The id of vector index `i`.
            pub const fn new(i: usize) -> Self {
                Self(i as u32)
            }

            /// The vector index of the id.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl Id for $name {
            fn from_index(i: usize) -> Self {
                Self::new(i)
            }
            fn index(self) -> usize {
                $name::index(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A service: its position in the scenario's `services` (batch job streams follow the
    /// services in the model's service list).
    ServiceId
);
id!(
    /// A task slot in the task table; slots are reused, so a slot with its generation names
    /// one task.
    TaskSlot
);
id!(
    /// An EC2 container instance: its ordinal in the order instances joined the cluster
    /// (never reused).
    InstanceId
);
id!(
    /// A capacity provider: its position in the scenario's `capacityProviders`.
    ProviderId
);
id!(
    /// A fault stream: its position in the scenario's `faults`.
    FaultId
);

/// A vector indexed by one kind of id `I` only: `v[i]` with an id of another kind, or with a
/// bare `usize`, does not compile.
#[derive(Clone, PartialEq, Eq)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    kind: PhantomData<fn(I) -> I>,
}

impl<I: Id, T> IdVec<I, T> {
    /// An empty vector.
    pub const fn new() -> Self {
        IdVec {
            items: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Appends `item` and returns its id.
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::from_index(self.items.len() - 1)
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item of `id`, if held.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// The item of `id` to change, if held.
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }

    /// The items in id order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items in id order, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Every id held, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    /// The items with their ids, in order.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }

    /// The items as a plain slice (for code that only counts or folds them).
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// The last item, if any.
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
}

impl<I: Id, T> Default for IdVec<I, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I: Id, T> From<Vec<T>> for IdVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IdVec {
            items,
            kind: PhantomData,
        }
    }
}

impl<I: Id, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Vec::from_iter(iter).into()
    }
}

impl<I: Id, T: fmt::Debug> fmt::Debug for IdVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

impl<I: Id, T> std::ops::Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> std::ops::IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I: Id, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, I: Id, T> IntoIterator for &'a mut IdVec<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}
