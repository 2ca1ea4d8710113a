//! Model bytes: integrity of every shard, strict parsing, and the tensor store the model is
//! built from.
//!
//! Order of trust (one place, as the style guide asks): a shard's byte size and SHA-256 are
//! checked against the manifest *before* a byte of it is parsed; the parsed header must list
//! exactly the tensors the manifest declares for that shard, and the manifest's list was
//! checked against the architecture's names and shapes when the store was created
//! ([`TensorStore::expecting`]), so nothing unused is ever decoded; shapes are checked again
//! when the model takes each tensor ([`TensorStore::take_host`], called by
//! [`crate::model::load`] for every parameter), and nothing may be left over
//! ([`TensorStore::finish`]).

pub mod integrity;
pub mod safetensors;

use crate::manifest::ShardEntry;
use integrity::Sha256Digest;
use safetensors::{Dtype, FormatError};
use std::collections::BTreeMap;

/// Largest shard accepted, in bytes (also the converter's split size).
pub const MAX_SHARD_BYTES: u64 = crate::limits::MAX_SHARD_BYTES;

/// Refusals of model bytes. Each names the shard (its manifest file name) or the tensor.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    /// The shard's byte length differs from the manifest.
    #[error("shard {shard}: size {actual} bytes, manifest says {expected}")]
    SizeMismatch {
        /// Shard file name.
        shard: String,
        /// Bytes the manifest declares.
        expected: u64,
        /// Bytes received.
        actual: u64,
    },
    /// The shard's SHA-256 differs from the manifest.
    #[error("shard {shard}: SHA-256 digest does not match the manifest (corrupted or tampered)")]
    DigestMismatch {
        /// Shard file name.
        shard: String,
    },
    /// The shard is not a valid safetensors file.
    #[error("shard {shard}: {source}")]
    Format {
        /// Shard file name.
        shard: String,
        /// What is wrong.
        source: FormatError,
    },
    /// The shard's tensors differ from those the manifest lists for it.
    #[error("shard {shard}: tensor {tensor} differs from the manifest (name, dtype or shape)")]
    ManifestMismatch {
        /// Shard file name.
        shard: String,
        /// First differing tensor.
        tensor: String,
    },
    /// A shard was supplied twice, or one the manifest does not list.
    #[error("shard {shard} is not expected here")]
    UnexpectedShard {
        /// Shard file name (validated manifest name, or `<unlisted>`).
        shard: String,
    },
    /// A shard the manifest lists was never supplied.
    #[error("shard {shard} is missing")]
    MissingShard {
        /// Shard file name.
        shard: String,
    },
    /// The model needs a tensor no shard holds.
    #[error("tensor {tensor} is missing from the voice")]
    MissingTensor {
        /// Tensor name.
        tensor: String,
    },
    /// A tensor the model does not use.
    #[error("tensor {tensor} is not part of the model")]
    UnexpectedTensor {
        /// Tensor name.
        tensor: String,
    },
    /// The same tensor in two shards.
    #[error("tensor {tensor} appears in more than one shard")]
    DuplicateTensor {
        /// Tensor name.
        tensor: String,
    },
    /// A tensor's shape differs from what the architecture needs.
    #[error("tensor {tensor} has shape {actual:?}, the model needs {expected:?}")]
    WrongShape {
        /// Tensor name.
        tensor: String,
        /// Shape from the config.
        expected: Vec<usize>,
        /// Shape in the shard.
        actual: Vec<usize>,
    },
    /// A tensor holds NaN or infinity.
    #[error("tensor {tensor} holds non-finite values")]
    NonFinite {
        /// Tensor name.
        tensor: String,
    },
    /// A shard could not be read from storage.
    #[error("shard {shard} could not be read")]
    Unreadable {
        /// Shard file name.
        shard: String,
    },
}

/// Checks a shard's size and SHA-256 against its manifest entry. Nothing is parsed before this.
pub fn verify_shard(entry: &ShardEntry, bytes: &[u8]) -> Result<(), WeightsError> {
    verify_shard_digest(entry, bytes.len() as u64, Sha256Digest::of(bytes))
}

/// [`verify_shard`] for a shard whose bytes were already hashed (as they downloaded, by
/// [`integrity::IncrementalSha256`]): `actual` bytes hashing to `digest`.
pub fn verify_shard_digest(
    entry: &ShardEntry,
    actual: u64,
    digest: Sha256Digest,
) -> Result<(), WeightsError> {
    if actual != entry.size {
        return Err(WeightsError::SizeMismatch {
            shard: entry.file.clone(),
            expected: entry.size,
            actual,
        });
    }
    if digest != entry.digest()? {
        return Err(WeightsError::DigestMismatch {
            shard: entry.file.clone(),
        });
    }
    Ok(())
}

/// A host-side f32 tensor.
#[derive(Debug, Clone)]
pub struct HostTensor {
    /// Shape.
    pub shape: Vec<usize>,
    /// Row-major values.
    pub data: Vec<f32>,
}

/// All tensors of a voice, on the host, waiting to be taken by the model builder.
#[derive(Debug, Default)]
pub struct TensorStore {
    tensors: BTreeMap<String, HostTensor>,
    pending: BTreeMap<String, ()>,
}

impl TensorStore {
    /// A store expecting the manifest's shards, whose tensor lists must hold exactly `needs`
    /// (upstream name, shape: what the architecture takes, [`crate::model::parameter_shapes`]).
    /// Checked here, before any shard arrives, so a tensor the model would never use is refused
    /// before a byte of it is decoded; [`Self::take_host`] and [`Self::finish`] check again.
    pub fn expecting(
        shards: &[ShardEntry],
        needs: &[(String, Vec<usize>)],
    ) -> Result<Self, WeightsError> {
        let needs: BTreeMap<&str, &[usize]> = needs
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_slice()))
            .collect();
        let mut listed = BTreeMap::new();
        for t in shards.iter().flat_map(|s| &s.tensors) {
            let expected =
                needs
                    .get(t.name.as_str())
                    .ok_or_else(|| WeightsError::UnexpectedTensor {
                        tensor: t.name.clone(),
                    })?;
            if *expected != t.shape.as_slice() {
                return Err(WeightsError::WrongShape {
                    tensor: t.name.clone(),
                    expected: expected.to_vec(),
                    actual: t.shape.clone(),
                });
            }
            if listed.insert(t.name.as_str(), ()).is_some() {
                return Err(WeightsError::DuplicateTensor {
                    tensor: t.name.clone(),
                });
            }
        }
        if let Some(missing) = needs.keys().find(|n| !listed.contains_key(*n)) {
            return Err(WeightsError::MissingTensor {
                tensor: missing.to_string(),
            });
        }
        Ok(Self {
            tensors: BTreeMap::new(),
            pending: shards.iter().map(|s| (s.file.clone(), ())).collect(),
        })
    }

    /// Verifies (size, digest), parses (strict safetensors), cross-checks against the manifest,
    /// upcasts to f32, and keeps the shard's tensors.
    pub fn add_shard(&mut self, entry: &ShardEntry, bytes: &[u8]) -> Result<(), WeightsError> {
        self.add_shard_hashed(entry, bytes, Sha256Digest::of(bytes))
    }

    /// [`Self::add_shard`] for bytes already hashed as they arrived: `digest` must be their
    /// SHA-256 (the caller hashed exactly these bytes, piece by piece). Size and digest are
    /// checked against the manifest before parsing, as by [`Self::add_shard`].
    pub fn add_shard_hashed(
        &mut self,
        entry: &ShardEntry,
        bytes: &[u8],
        digest: Sha256Digest,
    ) -> Result<(), WeightsError> {
        if !self.pending.contains_key(&entry.file) {
            return Err(WeightsError::UnexpectedShard {
                shard: entry.file.clone(),
            });
        }
        verify_shard_digest(entry, bytes.len() as u64, digest)?;
        let shard = || entry.file.clone();
        let raw = safetensors::parse(bytes).map_err(|source| WeightsError::Format {
            shard: shard(),
            source,
        })?;
        let mut declared: Vec<_> = entry.tensors.iter().collect();
        declared.sort_by(|a, b| a.name.cmp(&b.name));
        if raw.len() != declared.len() {
            let tensor = raw
                .iter()
                .map(|t| t.name.clone())
                .find(|n| !declared.iter().any(|d| &d.name == n))
                .or_else(|| {
                    declared
                        .iter()
                        .map(|d| d.name.clone())
                        .find(|n| !raw.iter().any(|t| &t.name == n))
                })
                .unwrap_or_default();
            return Err(WeightsError::ManifestMismatch {
                shard: shard(),
                tensor,
            });
        }
        // Check everything before keeping anything, so a bad shard leaves no partial state.
        for (t, d) in raw.iter().zip(&declared) {
            if t.name != d.name || t.dtype != d.dtype || t.shape != d.shape {
                return Err(WeightsError::ManifestMismatch {
                    shard: shard(),
                    tensor: t.name.clone(),
                });
            }
            if self.tensors.contains_key(&t.name) {
                return Err(WeightsError::DuplicateTensor {
                    tensor: t.name.clone(),
                });
            }
        }
        let mut decoded = Vec::with_capacity(raw.len());
        for t in raw {
            let data = decode(t.dtype, t.data);
            if data.iter().any(|v| !v.is_finite()) {
                return Err(WeightsError::NonFinite { tensor: t.name });
            }
            decoded.push((
                t.name,
                HostTensor {
                    shape: t.shape,
                    data,
                },
            ));
        }
        // Only a fully checked shard is kept; a refused one can be supplied again.
        self.tensors.extend(decoded);
        self.pending.remove(&entry.file);
        Ok(())
    }

    /// Errors if a listed shard never arrived.
    pub fn check_complete(&self) -> Result<(), WeightsError> {
        match self.pending.keys().next() {
            Some(shard) => Err(WeightsError::MissingShard {
                shard: shard.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Takes tensor `name` off the host store, checking it has exactly `shape`.
    pub fn take_host(&mut self, name: &str, shape: &[usize]) -> Result<HostTensor, WeightsError> {
        let t = self
            .tensors
            .remove(name)
            .ok_or_else(|| WeightsError::MissingTensor {
                tensor: name.to_string(),
            })?;
        if t.shape != shape {
            return Err(WeightsError::WrongShape {
                tensor: name.to_string(),
                expected: shape.to_vec(),
                actual: t.shape,
            });
        }
        Ok(t)
    }

    /// Errors if any tensor was not taken by the model.
    pub fn finish(self) -> Result<(), WeightsError> {
        match self.tensors.into_keys().next() {
            Some(tensor) => Err(WeightsError::UnexpectedTensor { tensor }),
            None => Ok(()),
        }
    }
}

/// Little-endian bytes → f32 (f16 is upcast: the backends compute in f32).
fn decode(dtype: Dtype, bytes: &[u8]) -> Vec<f32> {
    match dtype {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Dtype::F16 => bytes
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
    }
}
