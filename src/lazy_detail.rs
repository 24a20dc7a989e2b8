//! An event's record whose annotations are worked out when a host first
//! reads them. `ready` fires right after the first paint, and its record
//! gives each span's token indices, which need the whole article tokenized
//! (about 25 ms at 20,000 words, 60 at 50,000): paid then, on the main
//! thread, whether the host looked at the spans or only waited for the
//! event. `change` fires after each settled burst of edits, and a host may
//! read only some of them.
//!
//! The object is the record of the document (`Record::of_document`: every
//! key the record has, in its order) with `spans` and `relations` as
//! getters and setters; the first read or write of either computes the
//! whole record and puts both values in place as plain properties.
//! Invariant: what the getters give is fixed when the event fires (the
//! closure owns the state it reads), however late the first read comes.

use js_sys::{Object, Reflect, WeakRef};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The keys worked out on their first read or write (`document` has them
/// empty until then).
const ON_READ: [&str; 2] = ["spans", "relations"];

struct Lazy {
    record: RefCell<Option<Box<dyn FnOnce() -> JsValue>>>,
    /// The whole record, once computed.
    value: RefCell<Option<JsValue>>,
    /// Weak: the object holds the getters, which hold this; a strong
    /// reference back would keep all three alive for ever.
    object: WeakRef,
}

impl Lazy {
    fn read(&self, key: &str) -> JsValue {
        let value = self.value.borrow().clone();
        let value = value.unwrap_or_else(|| self.compute());
        Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A host writing `spans` or `relations` before reading either: the
    /// record is computed (the other key gets its value), then the value
    /// written replaces this one's, as on a plain object.
    fn write(&self, key: &str, written: JsValue) {
        if self.value.borrow().is_none() {
            self.compute();
        }
        if let Some(object) = self.object.deref() {
            define(&object, key, &[("value", written), ("writable", JsValue::TRUE)]);
        }
    }

    /// Computes the record and turns the getters into its values.
    fn compute(&self) -> JsValue {
        let record = self.record.borrow_mut().take();
        let value = record.map_or(JsValue::NULL, |f| f());
        *self.value.borrow_mut() = Some(value.clone());
        if let Some(object) = self.object.deref() {
            for key in ON_READ {
                let v = Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
                define(&object, key, &[("value", v), ("writable", JsValue::TRUE)]);
            }
        }
        value
    }
}

/// `document` (the record without its annotations, as an object) with
/// `spans` and `relations` taken from `record()` when first read.
pub fn with_annotations_on_read(document: JsValue, record: impl FnOnce() -> JsValue + 'static) -> JsValue {
    let Some(object) = document.dyn_ref::<Object>() else { return record() };
    let lazy = Rc::new(Lazy { record: RefCell::new(Some(Box::new(record))), value: RefCell::new(None), object: WeakRef::new(object) });
    for key in ON_READ {
        let getter = {
            let lazy = lazy.clone();
            Closure::<dyn Fn() -> JsValue>::new(move || lazy.read(key)).into_js_value()
        };
        let setter = {
            let lazy = lazy.clone();
            Closure::<dyn Fn(JsValue)>::new(move |written| lazy.write(key, written)).into_js_value()
        };
        // Redefined in place: the key keeps its position among the others.
        define(object, key, &[("get", getter), ("set", setter)]);
    }
    document
}

fn define(object: &Object, key: &str, fields: &[(&str, JsValue)]) {
    let descriptor = Object::new();
    for (name, value) in fields.iter().chain(&[("enumerable", JsValue::TRUE), ("configurable", JsValue::TRUE)]) {
        let _ = Reflect::set(&descriptor, &JsValue::from_str(name), value);
    }
    Object::define_property(object, &JsValue::from_str(key), &descriptor);
}
