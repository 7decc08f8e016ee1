//! The evaluator: names resolved through the analysis (so every scoping rule is CPython's), their
//! bindings read from the outline, imports followed through the [`ModuleSource`], calls of
//! workspace functions followed into their `return` statements with their arguments bound.
//!
//! It never fails: what it cannot decide is a [`Value::Unknown`] with the reason. Work is bounded
//! (steps, call depth, a guard against bindings that refer to themselves), so import cycles and
//! recursive decorators end.

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::analysis::builtins::is_builtin;
use crate::analysis::names::normalize;
use crate::analysis::{OccurrenceKind, ScopeId, ScopeKind, SymbolId, TextRange};

use super::args::{self, Arg};
use super::outline::{ArgumentKind, Binding, DefKind, Expr, ExprKind, Import, ImportedModule};
use super::value::{
    Bound, CallRecord, Code, DefRef, Frame, FrameId, Function, ModIdx, Origin, SourceValue, Value,
};
use super::{Lookup, ModuleFile, ModuleSource};

/// Evaluation steps (expressions, calls) one evaluation may take.
const MAX_STEPS: usize = 4_000;
/// Nested calls followed at most.
const MAX_CALL_DEPTH: usize = 24;
/// Source text longer than this is shortened for display (and no longer counts as a literal).
const MAX_TEXT: usize = 120;

/// One evaluation: the modules it loaded, the frames of the calls it followed, and the calls made
/// at the top level (the chain a hover narrates).
pub struct Eval<'s> {
    source: &'s dyn ModuleSource,
    modules: Vec<Arc<ModuleFile>>,
    by_path: FxHashMap<PathBuf, ModIdx>,
    frames: Vec<Frame>,
    symbolic: FxHashMap<(ModIdx, ScopeId), FrameId>,
    /// Calls made while [`Self::call_depth`] was 0.
    pub trace: Vec<CallRecord>,
    call_depth: usize,
    steps: usize,
    /// Bindings being evaluated (a binding met again refers to itself).
    active: Vec<(ModIdx, usize)>,
    /// Whether a `def` or `class` evaluates to its decorated result (else to itself, as go to
    /// definition wants it).
    pub apply_decorators: bool,
}

enum Loaded {
    Module(ModIdx),
    Namespace,
    NotFound,
    Failed(String),
}

impl<'s> Eval<'s> {
    /// An evaluation starting in `current`.
    pub fn new(current: Arc<ModuleFile>, source: &'s dyn ModuleSource) -> Self {
        let mut by_path = FxHashMap::default();
        if let Some(path) = &current.path {
            by_path.insert(path.clone(), ModIdx::CURRENT);
        }
        Eval {
            source,
            modules: vec![current],
            by_path,
            frames: Vec::new(),
            symbolic: FxHashMap::default(),
            trace: Vec::new(),
            call_depth: 0,
            steps: 0,
            active: Vec::new(),
            apply_decorators: true,
        }
    }

    /// A module of this evaluation.
    pub fn module(&self, m: ModIdx) -> &Arc<ModuleFile> {
        &self.modules[m.0 as usize]
    }

    /// A frame of this evaluation.
    pub fn frame(&self, id: FrameId) -> &Frame {
        &self.frames[id.0 as usize]
    }

    /// The scope of a def (`None` if the analysis has none, e.g. in a part that did not parse).
    pub fn def_scope(&self, def: DefRef) -> Option<ScopeId> {
        self.module(def.module).def_scope(def.def)
    }

    fn def_of_scope(&self, m: ModIdx, scope: ScopeId) -> Option<DefRef> {
        let module = self.module(m);
        (0..module.outline.defs.len())
            .find(|&i| module.def_scope(i) == Some(scope))
            .map(|def| DefRef { module: m, def })
    }

    fn tick(&mut self) -> bool {
        self.steps += 1;
        self.steps <= MAX_STEPS
    }

    // ---- modules ------------------------------------------------------------------------

    fn load(&mut self, importer: ModIdx, spec: &ImportedModule) -> Loaded {
        let from = self.module(importer).path.clone();
        match self.source.module(from.as_deref(), spec) {
            Lookup::Found(file) => {
                if let Some(&m) = file.path.as_ref().and_then(|p| self.by_path.get(p)) {
                    return Loaded::Module(m);
                }
                let m = ModIdx(self.modules.len() as u32);
                if let Some(path) = &file.path {
                    self.by_path.insert(path.clone(), m);
                }
                self.modules.push(file);
                Loaded::Module(m)
            }
            Lookup::Namespace => Loaded::Namespace,
            Lookup::NotFound => Loaded::NotFound,
            Lookup::Failed(why) => Loaded::Failed(why),
        }
    }

    /// The module `spec` imported from module `importer`, if it is a file of the workspace.
    pub fn load_module(&mut self, importer: ModIdx, spec: &ImportedModule) -> Option<ModIdx> {
        match self.load(importer, spec) {
            Loaded::Module(m) => Some(m),
            _ => None,
        }
    }

    /// `name` as `from spec import name` gives it.
    fn module_attribute(&mut self, importer: ModIdx, spec: &ImportedModule, name: &str) -> Value {
        let submodule = ImportedModule {
            level: spec.level,
            name: if spec.name.is_empty() {
                name.to_owned()
            } else {
                format!("{}.{name}", spec.name)
            },
        };
        match self.load(importer, spec) {
            Loaded::Module(m) => match self.global(m, name) {
                Some(value) => value,
                None => match self.load(importer, &submodule) {
                    Loaded::Module(_) | Loaded::Namespace => Value::Module {
                        importer,
                        spec: submodule,
                    },
                    _ => Value::unknown(format!(
                        "module `{}` does not bind `{name}`",
                        self.module(m).name
                    )),
                },
            },
            Loaded::Namespace => Value::Module {
                importer,
                spec: submodule,
            },
            Loaded::NotFound if spec.level == 0 => Value::External(format!("{}.{name}", spec.name)),
            Loaded::NotFound => Value::unknown(format!(
                "module `{}` not found next to this file",
                spec.display()
            )),
            Loaded::Failed(why) => Value::Unknown(why),
        }
    }

    /// A module-level name of module `m`, if the module binds it.
    fn global(&mut self, m: ModIdx, name: &str) -> Option<Value> {
        let module = Arc::clone(self.module(m));
        let variable = module.analysis.symbol_id(ScopeId::MODULE, name)?;
        let bound = module
            .analysis
            .bindings_of(variable)
            .any(|o| o.kind == OccurrenceKind::Write);
        if !bound {
            return None;
        }
        Some(self.variable(m, variable, None))
    }

    // ---- names and bindings ---------------------------------------------------------------

    /// The value of the identifier at `range` of module `m`, evaluated in frame `env`.
    pub fn name_value(&mut self, m: ModIdx, range: TextRange, env: Option<FrameId>) -> Value {
        let module = Arc::clone(self.module(m));
        let Some(occurrence) = module
            .analysis
            .occurrence_at(range.start)
            .filter(|o| o.range == range)
        else {
            return Value::unknown("a name closure-lens could not analyse");
        };
        self.variable(m, occurrence.symbol, env)
    }

    /// The value of variable `variable` of module `m` seen from frame `env`.
    fn variable(&mut self, m: ModIdx, variable: SymbolId, env: Option<FrameId>) -> Value {
        let module = Arc::clone(self.module(m));
        let analysis = &module.analysis;
        let owner = variable.scope;
        let name = analysis.symbol(variable).name.clone();
        let scope = analysis.scope(owner);
        let frame = match scope.kind {
            ScopeKind::Module | ScopeKind::Class => None,
            ScopeKind::Function => match self.frame_for(m, owner, env) {
                Some(frame) => Some(frame),
                None => return Value::unknown(format!("`{name}`: a variable not followed")),
            },
            _ => {
                return Value::unknown(format!(
                    "`{name}` is a variable of a {}",
                    if scope.kind == ScopeKind::Lambda {
                        "lambda"
                    } else {
                        "nested scope"
                    }
                ));
            }
        };
        if let Some(frame) = frame {
            if let Some(bound) = self.frame(frame).params.iter().find(|b| *b.name == *name) {
                return bound.value.clone();
            }
        }
        // The bindings the owner itself runs: later rebinding by nested functions (through
        // `nonlocal` or `global`) happens when they are called, after the decorator ran.
        let own: Vec<(usize, TextRange)> = analysis
            .bindings_of(variable)
            .filter(|o| o.kind == OccurrenceKind::Write && o.scope == owner)
            .map(|o| (o.range.start, o.range))
            .collect();
        let elsewhere = analysis
            .bindings_of(variable)
            .any(|o| o.kind == OccurrenceKind::Write && o.scope != owner);
        match own.as_slice() {
            [] if owner == ScopeId::MODULE && is_builtin(analysis.version, &name) => {
                Value::Builtin(name.to_string())
            }
            [] if owner == ScopeId::MODULE && analysis.has_star_import => {
                Value::unknown(format!("`{name}` may come from a `from … import *`"))
            }
            [] => Value::unknown(format!("`{name}` is never bound in `{}`", module.name)),
            [_] if elsewhere && owner == ScopeId::MODULE => Value::unknown(format!(
                "`{name}` is also rebound through `global` in a function"
            )),
            [(at, range)] => {
                // The frame the binding runs in (for a class body: the function around the class).
                let env = match frame {
                    Some(frame) => Some(frame),
                    None if owner == ScopeId::MODULE => None,
                    None => analysis
                        .enclosing_function(owner)
                        .and_then(|f| self.frame_for(m, f, env)),
                };
                self.binding(m, *at, *range, env)
            }
            many => {
                let lines: Vec<String> = many
                    .iter()
                    .map(|(at, _)| module.line(*at).to_string())
                    .collect();
                Value::unknown(format!(
                    "`{name}` is bound {} times (lines {})",
                    many.len(),
                    lines.join(", ")
                ))
            }
        }
    }

    /// What the binding of the identifier at `at` binds, run in frame `env`.
    fn binding(&mut self, m: ModIdx, at: usize, range: TextRange, env: Option<FrameId>) -> Value {
        if self.active.contains(&(m, at)) {
            return Value::unknown(format!("`{}` refers to itself", self.module(m).text(range)));
        }
        if !self.tick() {
            return Value::unknown("too long to follow");
        }
        let module = Arc::clone(self.module(m));
        let Some(binding) = module.outline.binding(at) else {
            return Value::unknown(format!(
                "`{}` is bound by a statement closure-lens does not follow (line {})",
                module.text(range),
                module.line(at)
            ));
        };
        self.active.push((m, at));
        let value = match binding {
            Binding::Def(def) => self.def_value(
                DefRef {
                    module: m,
                    def: *def,
                },
                env,
            ),
            Binding::Assign(expr) => self.eval(m, expr, env),
            Binding::Import(import) => self.import(m, import),
        };
        self.active.pop();
        value
    }

    fn import(&mut self, m: ModIdx, import: &Import) -> Value {
        match &import.name {
            None => Value::Module {
                importer: m,
                spec: import.module.clone(),
            },
            Some(name) => self.module_attribute(m, &import.module, name),
        }
    }

    /// A `def` or `class` statement run in frame `env`: the object, its decorators applied.
    pub fn def_value(&mut self, def: DefRef, env: Option<FrameId>) -> Value {
        let module = Arc::clone(self.module(def.module));
        let d = &module.outline.defs[def.def];
        let closure_env = self.closure_env(def, env);
        let mut value = match d.kind {
            DefKind::Function => Value::Function(Function {
                code: Code::Def(def),
                env: closure_env,
                wraps: None,
            }),
            DefKind::Class => Value::Class(def),
        };
        let decorators = if self.apply_decorators {
            d.decorators.as_slice()
        } else {
            &[]
        };
        for decorator in decorators.iter().rev() {
            let deco = self.eval(def.module, &decorator.expr, env);
            let text = module.text(decorator.expr.range).to_owned();
            value = self.call(deco, vec![Arg::value(value, text)]);
        }
        value
    }

    /// The frame a def made in frame `env` closes over: the frame of its enclosing function.
    fn closure_env(&mut self, def: DefRef, env: Option<FrameId>) -> Option<FrameId> {
        let scope = self.def_scope(def)?;
        let module = Arc::clone(self.module(def.module));
        let function = module.analysis.enclosing_function(scope)?;
        self.frame_for(def.module, function, env)
    }

    /// The frame of function scope `scope` of module `m`: one of `env` and its parents, else a
    /// symbolic frame (the arguments unknown).
    pub fn frame_for(
        &mut self,
        m: ModIdx,
        scope: ScopeId,
        env: Option<FrameId>,
    ) -> Option<FrameId> {
        let mut at = env;
        while let Some(id) = at {
            let frame = self.frame(id);
            if frame.function.module == m && frame.scope == scope {
                return Some(id);
            }
            at = frame.parent;
        }
        if let Some(&id) = self.symbolic.get(&(m, scope)) {
            return Some(id);
        }
        let def = self.def_of_scope(m, scope)?;
        let id = self.symbolic_frame(def, env)?;
        self.symbolic.insert((m, scope), id);
        Some(id)
    }

    /// A frame for `def` whose parameters stand for whatever a caller passes.
    pub fn symbolic_frame(&mut self, def: DefRef, env: Option<FrameId>) -> Option<FrameId> {
        let scope = self.def_scope(def)?;
        let module = Arc::clone(self.module(def.module));
        let parent = match module.analysis.enclosing_function(scope) {
            Some(function) => self.frame_for(def.module, function, env),
            None => None,
        };
        let id = FrameId(self.frames.len() as u32);
        let params = module.outline.defs[def.def]
            .params
            .iter()
            .map(|p| Bound {
                name: p.name.clone(),
                value: Value::Parameter {
                    frame: id,
                    name: p.name.clone(),
                },
                origin: Origin::Unknown,
            })
            .collect();
        self.frames.push(Frame {
            function: def,
            scope,
            parent,
            params,
            symbolic: true,
        });
        Some(id)
    }

    /// The value the cell `name` (owned by scope `owner`) holds in a closure made in frame `env`
    /// of module `m`, when the closure is made; with where a parameter's value came from.
    pub fn cell(
        &mut self,
        m: ModIdx,
        owner: ScopeId,
        name: &str,
        env: Option<FrameId>,
    ) -> (Value, Option<Origin>) {
        let module = Arc::clone(self.module(m));
        if module.analysis.scope(owner).kind == ScopeKind::Class {
            // `__class__`: the class being defined.
            return match self.def_of_scope(m, owner) {
                Some(class) => (Value::Class(class), None),
                None => (Value::unknown("the class around"), None),
            };
        }
        let Some(frame) = self.frame_for(m, owner, env) else {
            return (
                Value::unknown("made by a call closure-lens did not follow"),
                None,
            );
        };
        if let Some(bound) = self.frame(frame).params.iter().find(|b| b.name == name) {
            return (bound.value.clone(), Some(bound.origin));
        }
        match module.analysis.symbol_id(owner, name) {
            Some(variable) => (self.variable(m, variable, Some(frame)), None),
            None => (
                Value::unknown(format!("`{name}` is not a variable of its owner")),
                None,
            ),
        }
    }

    // ---- expressions ----------------------------------------------------------------------

    /// The value of `expr` (of module `m`) evaluated in frame `env`.
    pub fn eval(&mut self, m: ModIdx, expr: &Expr, env: Option<FrameId>) -> Value {
        if !self.tick() {
            return Value::unknown("too long to follow");
        }
        let module = Arc::clone(self.module(m));
        match &expr.kind {
            ExprKind::Name => self.name_value(m, expr.range, env),
            ExprKind::Attribute { object, name } => {
                let object = self.eval(m, object, env);
                let name = normalize(module.text(*name)).into_owned();
                self.attribute(object, &name)
            }
            ExprKind::Call {
                function,
                arguments,
            } => {
                let callee = self.eval(m, function, env);
                let args = arguments
                    .iter()
                    .map(|a| {
                        let value = match a.kind {
                            ArgumentKind::Star | ArgumentKind::DoubleStar => {
                                Value::unknown(format!("`{}`", module.text(a.value.range)))
                            }
                            _ => self.eval(m, &a.value, env),
                        };
                        let (text, literal) = source_text(&module, &a.value);
                        Arg {
                            kind: a.kind.clone(),
                            value,
                            text,
                            literal,
                        }
                    })
                    .collect();
                self.call(callee, args)
            }
            ExprKind::Lambda => {
                let scope = module
                    .analysis
                    .scopes
                    .iter()
                    .position(|s| s.kind == ScopeKind::Lambda && s.range == expr.range)
                    .map(|i| ScopeId(i as u32));
                match scope {
                    Some(scope) => {
                        let env = module
                            .analysis
                            .enclosing_function(scope)
                            .and_then(|f| self.frame_for(m, f, env));
                        Value::Function(Function {
                            code: Code::Lambda { module: m, scope },
                            env,
                            wraps: None,
                        })
                    }
                    None => Value::unknown("a lambda closure-lens could not analyse"),
                }
            }
            ExprKind::Literal | ExprKind::Other => {
                let (text, literal) = source_text(&module, expr);
                Value::Source(SourceValue { text, literal })
            }
        }
    }

    /// `object.name`.
    pub fn attribute(&mut self, object: Value, name: &str) -> Value {
        match object {
            Value::Module { importer, spec } => self.module_attribute(importer, &spec, name),
            Value::Class(class) => self
                .class_attribute(class, name, 0)
                .unwrap_or_else(|| self.no_attribute(class, name)),
            Value::Instance(class) => match self.class_attribute(class, name, 0) {
                Some(method @ Value::Function(_)) => Value::BoundMethod {
                    instance: class,
                    method: Box::new(method),
                },
                Some(other) => other,
                None => self.no_attribute(class, name),
            },
            Value::External(path) => Value::External(format!("{path}.{name}")),
            Value::Unknown(why) => Value::Unknown(why),
            other => Value::unknown(format!(
                "the attribute `{name}` of {} is not followed",
                self.describe(&other)
            )),
        }
    }

    fn no_attribute(&self, class: DefRef, name: &str) -> Value {
        Value::unknown(format!(
            "`{}` defines no `{name}` in its body or its bases",
            self.qualname(class)
        ))
    }

    /// A name bound in the body of `class` or (depth first) of its bases in the workspace.
    fn class_attribute(&mut self, class: DefRef, name: &str, depth: usize) -> Option<Value> {
        if depth > 8 || !self.tick() {
            return None;
        }
        let module = Arc::clone(self.module(class.module));
        let scope = self.def_scope(class)?;
        let class_name = module.outline.defs[class.def].name;
        let mangled = crate::analysis::names::mangle(Some(module.text(class_name)), name);
        if let Some(variable) = module.analysis.symbol_id(scope, &mangled) {
            let bound = module
                .analysis
                .bindings_of(variable)
                .any(|o| o.kind == OccurrenceKind::Write);
            if bound {
                return Some(self.variable(class.module, variable, None));
            }
        }
        for base in &module.outline.defs[class.def].bases {
            if let Value::Class(base) = self.eval(class.module, base, None) {
                if let Some(found) = self.class_attribute(base, name, depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }

    // ---- calls ----------------------------------------------------------------------------

    /// `callee(args)`.
    pub fn call(&mut self, callee: Value, args: Vec<Arg>) -> Value {
        let record = self.call_depth == 0;
        let arguments = if record {
            args.iter().map(Arg::written).collect()
        } else {
            Vec::new()
        };
        let (frame, result) = self.call_inner(&callee, args);
        if record {
            self.trace.push(CallRecord {
                callee,
                arguments,
                frame,
                result: result.clone(),
            });
        }
        result
    }

    fn call_inner(&mut self, callee: &Value, args: Vec<Arg>) -> (Option<FrameId>, Value) {
        if !self.tick() {
            return (None, Value::unknown("too long to follow"));
        }
        if self.call_depth >= MAX_CALL_DEPTH {
            return (None, Value::unknown("calls nested too deep to follow"));
        }
        match callee {
            Value::Function(function) => match function.code {
                Code::Def(def) => self.call_def(def, function.env, None, args),
                Code::Lambda { .. } => (
                    None,
                    Value::unknown("calls a lambda, whose result is not followed"),
                ),
            },
            Value::BoundMethod { instance, method } => match method.as_ref() {
                Value::Function(Function {
                    code: Code::Def(def),
                    env,
                    ..
                }) => self.call_def(*def, *env, Some(*instance), args),
                _ => (None, Value::unknown("calls a method not followed")),
            },
            Value::Class(class) => {
                let frame = match self.class_attribute(*class, "__init__", 0) {
                    Some(Value::Function(Function {
                        code: Code::Def(init),
                        env,
                        ..
                    })) => match self.call_def(init, env, Some(*class), args) {
                        (frame, Value::Unknown(why)) if why.starts_with("TypeError") => {
                            return (frame, Value::Unknown(why));
                        }
                        (frame, _) => frame,
                    },
                    _ => None,
                };
                (frame, Value::Instance(*class))
            }
            Value::Instance(class) => match self.class_attribute(*class, "__call__", 0) {
                Some(method @ Value::Function(_)) => {
                    let bound = Value::BoundMethod {
                        instance: *class,
                        method: Box::new(method),
                    };
                    self.call_inner(&bound, args)
                }
                _ => (
                    None,
                    Value::unknown(format!(
                        "instances of `{}` define no `__call__`: calling one raises TypeError",
                        self.qualname(*class)
                    )),
                ),
            },
            Value::Wraps(wrapped) => match args.into_iter().next().map(|a| a.value) {
                Some(Value::Function(mut f)) => {
                    f.wraps = Some(wrapped.clone());
                    (None, Value::Function(f))
                }
                Some(other) => (None, other),
                None => (
                    None,
                    Value::unknown("`functools.wraps(…)` called without a function"),
                ),
            },
            Value::External(path) => (None, self.call_external(path, args)),
            Value::Builtin(name) => (None, call_builtin(name, args)),
            Value::Unknown(why) => (None, Value::Unknown(why.clone())),
            Value::Parameter { name, .. } => (
                None,
                Value::unknown(format!("calls `{name}`, whatever the caller passes")),
            ),
            other => (
                None,
                Value::unknown(format!("calls {}, not followed", self.describe(other))),
            ),
        }
    }

    fn call_external(&mut self, path: &str, args: Vec<Arg>) -> Value {
        let mut args = args.into_iter();
        match path {
            "functools.wraps" => match args.next() {
                Some(wrapped) => Value::Wraps(Box::new(wrapped.value)),
                None => Value::unknown("`functools.wraps()` needs the wrapped function"),
            },
            "functools.update_wrapper" => match (args.next(), args.next()) {
                (Some(wrapper), Some(wrapped)) => match wrapper.value {
                    Value::Function(mut f) => {
                        f.wraps = Some(Box::new(wrapped.value));
                        Value::Function(f)
                    }
                    other => other,
                },
                _ => Value::unknown("`functools.update_wrapper()` needs two arguments"),
            },
            _ => Value::unknown(format!(
                "`{path}` is outside the workspace and its virtual environment: not followed"
            )),
        }
    }

    /// Calls `def` (a method when `instance` is set: the instance is bound first): binds the
    /// arguments in a new frame whose parent is `env`, and follows its `return` statements.
    fn call_def(
        &mut self,
        def: DefRef,
        env: Option<FrameId>,
        instance: Option<DefRef>,
        args: Vec<Arg>,
    ) -> (Option<FrameId>, Value) {
        let module = Arc::clone(self.module(def.module));
        let d = &module.outline.defs[def.def];
        let Some(scope) = self.def_scope(def) else {
            return (
                None,
                Value::unknown("a function closure-lens could not analyse"),
            );
        };
        let mut args = args;
        if let Some(class) = instance {
            args.insert(0, Arg::value(Value::Instance(class), "self"));
        }
        let defaults: Vec<Option<Value>> = d
            .params
            .iter()
            .map(|p| {
                p.default.as_ref().map(|e| {
                    let (text, literal) = source_text(&module, e);
                    Value::Source(SourceValue { text, literal })
                })
            })
            .collect();
        let callee = format!("{}()", self.qualname(def));
        let params = match args::bind(&callee, &d.params, &defaults, &args) {
            Ok(params) => params,
            Err(message) => return (None, Value::unknown(format!("TypeError: {message}"))),
        };
        let id = FrameId(self.frames.len() as u32);
        self.frames.push(Frame {
            function: def,
            scope,
            parent: env,
            params,
            symbolic: false,
        });
        self.call_depth += 1;
        let result = self.returns(def, id);
        self.call_depth -= 1;
        (Some(id), result)
    }

    /// What a call of `def` running in `frame` returns.
    pub fn returns(&mut self, def: DefRef, frame: FrameId) -> Value {
        let module = Arc::clone(self.module(def.module));
        let d = &module.outline.defs[def.def];
        if d.kind == DefKind::Class {
            return Value::Instance(def);
        }
        if d.is_generator || d.is_async {
            return Value::Generator {
                function: def,
                coroutine: d.is_async,
            };
        }
        let mut results: Vec<(TextRange, Value)> = Vec::new();
        for r in &d.returns {
            let value = match &r.value {
                Some(e) => self.eval(def.module, e, Some(frame)),
                None => Value::PyNone,
            };
            results.push((r.range, value));
        }
        let falls_off = d.returns.is_empty();
        if falls_off {
            return Value::PyNone;
        }
        let first = results[0].1.clone();
        if results.iter().all(|(_, v)| *v == first) {
            first
        } else {
            Value::OneOf(results)
        }
    }

    // ---- naming -------------------------------------------------------------------------

    /// `__qualname__` of a def.
    pub fn qualname(&self, def: DefRef) -> String {
        let module = self.module(def.module);
        match module.def_scope(def.def) {
            Some(scope) => module.analysis.scope(scope).qualname.clone(),
            None => module.text(module.outline.defs[def.def].name).to_owned(),
        }
    }

    /// A short description for messages: "`retry`", "an instance of `Memo`".
    pub fn describe(&self, value: &Value) -> String {
        match value {
            Value::Function(f) => format!("`{}`", self.code_qualname(f.code)),
            Value::Class(c) => format!("the class `{}`", self.qualname(*c)),
            Value::Instance(c) => format!("an instance of `{}`", self.qualname(*c)),
            Value::Module { spec, .. } => format!("the module `{}`", spec.display()),
            Value::External(p) => format!("`{p}`"),
            Value::Builtin(b) => format!("the builtin `{b}`"),
            Value::Source(s) => format!("`{}`", s.text),
            Value::PyNone => "`None`".into(),
            Value::Original => "the decorated definition".into(),
            _ => "a value".into(),
        }
    }

    /// `__qualname__` of the code a function runs.
    pub fn code_qualname(&self, code: Code) -> String {
        match code {
            Code::Def(def) => self.qualname(def),
            Code::Lambda { module, scope } => {
                self.module(module).analysis.scope(scope).qualname.clone()
            }
        }
    }
}

/// A value built by `property`, `staticmethod`, `classmethod`; other builtins are not followed.
fn call_builtin(name: &str, args: Vec<Arg>) -> Value {
    match name {
        "property" | "staticmethod" | "classmethod" => Value::BuiltinObject {
            kind: name.to_owned(),
            inner: Box::new(args.into_iter().next().map_or(Value::PyNone, |a| a.value)),
        },
        _ => Value::unknown(format!("calls the builtin `{name}`, not followed")),
    }
}

/// The source text of `expr` for display (shortened when long), and whether it is a literal.
fn source_text(module: &ModuleFile, expr: &Expr) -> (String, bool) {
    let text = module.text(expr.range);
    let literal = expr.kind == ExprKind::Literal;
    if text.len() <= MAX_TEXT && !text.contains('\n') {
        return (text.to_owned(), literal);
    }
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.len() <= MAX_TEXT {
        return (one_line, false);
    }
    let cut = one_line
        .char_indices()
        .map(|(i, _)| i)
        .take_while(|&i| i <= MAX_TEXT)
        .last()
        .unwrap_or(0);
    (format!("{}…", &one_line[..cut]), false)
}
