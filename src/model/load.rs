//! Applying the verified weights to a module tree, burn's way: a config builds the modules
//! (`init(device)`, parameters left lazily uninitialized), then a [`ModuleMapper`] walks every
//! parameter, names it by its module path ([`upstream_name`]), and takes that tensor from the
//! [`TensorStore`] with the parameter's exact shape. The store stays the only source of weights
//! (every byte SHA-256-checked before parsing); the walk keeps its strictness: a missing tensor
//! or a wrong shape is refused here, anything left over by [`TensorStore::finish`].

use super::names::upstream_name;
use crate::weights::{TensorStore, WeightsError};
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Tensor, TensorData};

/// The module path during a walk. Enum variants (e.g. `ResBlock::One`) are alternatives, not
/// names, so they add no segment.
#[derive(Default)]
struct Path {
    segments: Vec<String>,
    pushed: Vec<bool>,
}

impl Path {
    fn enter(&mut self, name: &str, container_type: &str) {
        let push = !container_type.starts_with("Enum:");
        if push {
            self.segments.push(name.to_string());
        }
        self.pushed.push(push);
    }

    fn exit(&mut self) {
        if self.pushed.pop() == Some(true) {
            self.segments.pop();
        }
    }

    fn upstream(&self) -> String {
        upstream_name(&self.segments)
    }
}

/// Replaces every float parameter with the store's tensor of the same upstream name.
struct FromStore<'a> {
    store: &'a mut TensorStore,
    path: Path,
    error: Option<WeightsError>,
}

impl ModuleMapper for FromStore<'_> {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.path.enter(name, container_type);
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if self.error.is_some() {
            return param;
        }
        // `lazy_shape`/`lazy_device` read the config's shape without running the initializer.
        let shape = param.lazy_shape();
        match self
            .store
            .take_host(&self.path.upstream(), shape.as_slice())
        {
            Ok(t) => {
                let data = TensorData::new(t.data, shape);
                Param::initialized(param.id, Tensor::from_data(data, &param.lazy_device()))
            }
            Err(e) => {
                self.error = Some(e);
                param
            }
        }
    }
}

/// Takes every parameter of `module` from `store` by upstream name, with its shape checked.
pub fn load<M: Module>(module: M, store: &mut TensorStore) -> Result<M, WeightsError> {
    let mut mapper = FromStore {
        store,
        path: Path::default(),
        error: None,
    };
    let module = module.map(&mut mapper);
    match mapper.error {
        Some(e) => Err(e),
        None => Ok(module),
    }
}

/// Lists the parameters `module` needs: upstream name and shape, in module order.
struct Needs {
    path: Path,
    found: Vec<(String, Vec<usize>)>,
}

impl ModuleVisitor for Needs {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.path.enter(name, container_type);
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.exit();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.found
            .push((self.path.upstream(), param.lazy_shape().to_vec()));
    }
}

/// The tensors (upstream name, shape) a module built by `init` takes from a voice: what a
/// converter must write, or a test voice must hold. Nothing is allocated.
pub fn parameter_shapes<M: Module>(module: &M) -> Vec<(String, Vec<usize>)> {
    let mut v = Needs {
        path: Path::default(),
        found: Vec::new(),
    };
    module.visit(&mut v);
    v.found
}
