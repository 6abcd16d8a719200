//! Silences the default panic message for panics a test injects on purpose
//! (their message starts with "injected"); every other panic, such as a
//! failed assertion, is still printed. Include it with `#[path]`.

/// Installs the filtering hook once per process.
pub(crate) fn quiet_injected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !message.starts_with("injected") {
                default(info);
            }
        }));
    });
}
