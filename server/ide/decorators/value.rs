//! What the evaluator knows about a Python value, and the call frames closures are made in.

use crate::analysis::{ScopeId, TextRange};

use super::outline::ImportedModule;

/// A module of one evaluation (an index into its list of modules; 0 is the current file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ModIdx(pub u32);

impl ModIdx {
    /// The file the evaluation started in.
    pub const CURRENT: ModIdx = ModIdx(0);
}

/// A `def` or `class` of some module: the index into its outline's defs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefRef {
    pub module: ModIdx,
    pub def: usize,
}

/// A frame of one evaluation (an index into its frames).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameId(pub u32);

/// One call of a function the evaluator followed, or a symbolic one (the arguments unknown) for a
/// function it reasons about without a call.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The function called.
    pub function: DefRef,
    /// Its scope.
    pub scope: ScopeId,
    /// The frame of the enclosing function, where the function's own free variables live.
    pub parent: Option<FrameId>,
    /// Each parameter and what it was bound to, in signature order.
    pub params: Vec<Bound>,
    /// No call: the parameters stand for whatever a caller passes.
    pub symbolic: bool,
}

/// A parameter and its value in one frame.
#[derive(Clone, Debug)]
pub struct Bound {
    pub name: String,
    pub value: Value,
    pub origin: Origin,
}

/// Where a parameter's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An argument of the call.
    Argument,
    /// The parameter's default.
    Default,
    /// Collected by `*args` / `**kwargs`.
    Collected,
    /// Not decidable (a `*` or `**` argument that is not a literal), or a symbolic frame.
    Unknown,
}

/// A function object: made by a `def` or a `lambda` in some frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub code: Code,
    /// The frame whose cells it closes over (`None` at module level or when unknown).
    pub env: Option<FrameId>,
    /// `functools.wraps(wrapped)` (or `update_wrapper`) was applied to it.
    pub wraps: Option<Box<Value>>,
}

/// Whose code a function runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Def(DefRef),
    Lambda { module: ModIdx, scope: ScopeId },
}

/// A value, as far as the evaluator can tell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The decorated function or class itself.
    Original,
    Function(Function),
    /// A class defined in the workspace.
    Class(DefRef),
    /// An instance of a class defined in the workspace (made by calling it).
    Instance(DefRef),
    /// A method looked up on an instance.
    BoundMethod {
        instance: DefRef,
        method: Box<Value>,
    },
    /// A module (loaded when an attribute is read).
    Module {
        importer: ModIdx,
        spec: ImportedModule,
    },
    /// Something from outside the workspace and its environment: `functools.wraps`.
    External(String),
    /// A builtin name: `property`.
    Builtin(String),
    /// What `functools.wraps(wrapped)` returns: a decorator copying `wrapped`'s metadata.
    Wraps(Box<Value>),
    /// What a builtin wrapper (`property`, `staticmethod`, `classmethod`) made of a value.
    BuiltinObject {
        kind: String,
        inner: Box<Value>,
    },
    /// Source text (a literal, or an expression computed when the code runs).
    Source(SourceValue),
    /// Whatever a caller passes for a parameter of a symbolic frame.
    Parameter {
        frame: FrameId,
        name: String,
    },
    /// `None`, returned by a function without `return`.
    PyNone,
    /// A generator or coroutine object, made by calling such a function.
    Generator {
        function: DefRef,
        coroutine: bool,
    },
    /// Several `return` statements return different things.
    OneOf(Vec<(TextRange, Value)>),
    /// Not decidable, and why.
    Unknown(String),
}

/// A value known by its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceValue {
    pub text: String,
    /// `ast.literal_eval` accepts it: the text is the value.
    pub literal: bool,
}

impl Value {
    pub fn unknown(why: impl Into<String>) -> Self {
        Value::Unknown(why.into())
    }

    /// Whether nothing is known.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }
}

/// One call the evaluator made while following a decorator, in order.
#[derive(Clone, Debug)]
pub struct CallRecord {
    /// What was called, as a value.
    pub callee: Value,
    /// The arguments as written (`3`, `delay=0.5`, `*rest`).
    pub arguments: Vec<String>,
    /// The frame of the call, when a function of the workspace ran.
    pub frame: Option<FrameId>,
    /// What the call returned.
    pub result: Value,
}
