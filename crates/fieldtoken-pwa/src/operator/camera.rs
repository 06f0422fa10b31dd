//! The back camera as a token reader: `getUserMedia` with `facingMode: environment`, a frame every
//! [`FRAME_EVERY`] drawn to a canvas, and its pixels decoded by the core's QR scanner in a Web Worker
//! (`/scan/scan-worker.js`, which runs `pkg/`'s `scanRgba`), one frame in flight at a time, so the page never stalls.
//! The first text found is handed to the token screen and the camera stops.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
    MediaStreamConstraints, MessageEvent, Worker, WorkerOptions, WorkerType,
};

const FRAME_EVERY: Duration = Duration::from_millis(120);
const WORKER: &str = "/scan/scan-worker.js";

/// What a running camera holds; dropped (and stopped) when the camera closes.
struct Running {
    stream: MediaStream,
    worker: Worker,
    ticker: IntervalHandle,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Running {
    fn stop(self) {
        self.ticker.clear();
        self.worker.terminate();
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

/// Opens the back camera, or the camera `device` when the operator switched to it.
async fn open_camera(device: Option<String>) -> Result<MediaStream, String> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or("this browser gives no access to a camera")?;
    let video = match device {
        Some(id) => serde_json::json!({ "deviceId": { "exact": id } }),
        None => serde_json::json!({ "facingMode": "environment" }),
    };
    let constraints: MediaStreamConstraints =
        js_sys::JSON::parse(&serde_json::json!({ "audio": false, "video": video }).to_string())
            .map_err(|_| "bad constraints")?
            .unchecked_into();
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| "the camera cannot be opened")?;
    JsFuture::from(promise)
        .await
        .map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            match name.as_deref() {
                Some("NotAllowedError") => {
                    "the camera was not allowed: allow it in the browser's settings".to_owned()
                }
                Some("NotFoundError") => "this phone has no camera".to_owned(),
                _ => "the camera cannot be opened".to_owned(),
            }
        })?
        .dyn_into::<MediaStream>()
        .map_err(|_| "the camera cannot be opened".to_owned())
}

/// The stream's video track.
fn video_track(stream: &MediaStream) -> Option<web_sys::MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

/// `track.<method>()[key]`, for the capability and setting dictionaries web-sys does not model (`torch`).
fn track_field(track: &web_sys::MediaStreamTrack, method: &str, key: &str) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(track, &method.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let dict = f.call0(track).ok()?;
    js_sys::Reflect::get(&dict, &key.into())
        .ok()
        .filter(|v| !v.is_undefined())
}

/// Turns the torch on or off; resolves to whether the camera did it.
async fn set_torch(track: &web_sys::MediaStreamTrack, on: bool) -> bool {
    let Ok(constraints) =
        js_sys::JSON::parse(&serde_json::json!({ "advanced": [{ "torch": on }] }).to_string())
    else {
        return false;
    };
    let Some(apply) = js_sys::Reflect::get(track, &"applyConstraints".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    match apply.call1(track, &constraints) {
        Ok(promise) => JsFuture::from(js_sys::Promise::resolve(&promise))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// The ids of the phone's cameras, in the browser's order (empty when it does not say).
async fn camera_ids() -> Vec<String> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        return Vec::new();
    };
    let Ok(promise) = devices.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(list) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    js_sys::Array::from(&list)
        .iter()
        .filter(|d| {
            js_sys::Reflect::get(d, &"kind".into())
                .ok()
                .and_then(|k| k.as_string())
                .as_deref()
                == Some("videoinput")
        })
        .filter_map(|d| {
            js_sys::Reflect::get(&d, &"deviceId".into())
                .ok()?
                .as_string()
        })
        .filter(|id| !id.is_empty())
        .collect()
}

/// "Scan with camera": a live preview with a framing guide; `on_scan` gets the first token text decoded.
#[component]
pub fn Camera(on_scan: Callback<String>) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    let running = StoredValue::new_local(None::<Running>);
    let open = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let frames = RwSignal::new(0u32);
    // The open camera's track, whether it has a torch (and whether it is on), and the other cameras.
    let track = StoredValue::new_local(None::<web_sys::MediaStreamTrack>);
    let torch = RwSignal::new(None::<bool>);
    let cameras = RwSignal::new(Vec::<String>::new());

    let stop = move || {
        if let Some(r) = running.try_update_value(Option::take).flatten() {
            r.stop();
        }
        open.set(false);
        torch.set(None);
    };
    on_cleanup(stop);

    let start = {
        move |device: Option<String>| {
            problem.set(None);
            leptos::task::spawn_local(async move {
                let stream = match open_camera(device).await {
                    Ok(s) => s,
                    Err(why) => {
                        return problem
                            .set(Some(format!("No camera: {why}. Type the code instead.")));
                    }
                };
                open.set(true);
                let current = video_track(&stream);
                torch.set(
                    current
                        .as_ref()
                        .and_then(|t| track_field(t, "getCapabilities", "torch"))
                        .is_some()
                        .then_some(false),
                );
                track.set_value(current);
                // Labels and ids are only listed once the camera is allowed, so ask now.
                cameras.set(camera_ids().await);
                let Some(video) = video.try_get_untracked().flatten() else {
                    return;
                };
                let video: HtmlVideoElement = video.unchecked_into();
                video.set_src_object(Some(&stream));
                // Once playing, the video has its size and the first frame can go at once (see below); the
                // worker loads meanwhile.
                let playing = video.play().ok();
                let options = WorkerOptions::new();
                options.set_type(WorkerType::Module);
                let Ok(worker) = Worker::new_with_options(WORKER, &options) else {
                    problem.set(Some(
                        "The scanner cannot start. Type the code instead.".into(),
                    ));
                    return;
                };
                let busy = Rc::new(std::cell::Cell::new(false));
                let on_message = {
                    let busy = busy.clone();
                    Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                        busy.set(false);
                        frames.update(|n| *n += 1);
                        let found = js_sys::Array::from(&ev.data())
                            .iter()
                            .find_map(|t| t.as_string());
                        if let Some(text) = found {
                            stop();
                            on_scan.run(text);
                        }
                    })
                };
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                let canvas: Option<HtmlCanvasElement> = document()
                    .create_element("canvas")
                    .ok()
                    .and_then(|c| c.dyn_into().ok());
                let worker_for_tick = worker.clone();
                let tick = move || {
                    let (Some(canvas), false) = (canvas.as_ref(), busy.get()) else {
                        return;
                    };
                    let (w, h) = (video.video_width(), video.video_height());
                    if w == 0 || h == 0 {
                        return;
                    }
                    canvas.set_width(w);
                    canvas.set_height(h);
                    let Some(context) = canvas
                        .get_context("2d")
                        .ok()
                        .flatten()
                        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
                    else {
                        return;
                    };
                    if context
                        .draw_image_with_html_video_element(&video, 0.0, 0.0)
                        .is_err()
                    {
                        return;
                    }
                    let Ok(image) = context.get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
                    else {
                        return;
                    };
                    let rgba = js_sys::Uint8ClampedArray::from(image.data().0.as_slice());
                    let message = js_sys::Object::new();
                    let buffer = rgba.buffer();
                    let _ = js_sys::Reflect::set(&message, &"rgba".into(), &buffer);
                    let _ = js_sys::Reflect::set(&message, &"width".into(), &JsValue::from(w));
                    let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from(h));
                    // The frame's buffer moves to the worker instead of being copied again.
                    if worker_for_tick
                        .post_message_with_transfer(&message, &js_sys::Array::of1(&buffer))
                        .is_ok()
                    {
                        busy.set(true);
                    }
                };
                // The first frame goes now, not one interval later: that is 120 ms of every scan's start
                // (measured by bench/browser.mjs).
                let tick = Rc::new(tick);
                if let Some(playing) = playing {
                    let _ = JsFuture::from(playing).await;
                }
                tick();
                let Ok(ticker) = set_interval_with_handle(
                    {
                        let tick = tick.clone();
                        move || tick()
                    },
                    FRAME_EVERY,
                ) else {
                    return;
                };
                let started = Running {
                    stream,
                    worker,
                    ticker,
                    _on_message: on_message,
                };
                // The screen may have closed while the browser asked for the camera: then stop at once.
                if let Some(Some(orphan)) = running.try_set_value(Some(started)) {
                    orphan.stop();
                }
            });
        }
    };

    let switch = move |_| {
        // The next camera after the one open now, round the list.
        let now = track
            .with_value(|t| {
                t.as_ref()
                    .and_then(|t| track_field(t, "getSettings", "deviceId"))
            })
            .and_then(|id| id.as_string());
        let list = cameras.get_untracked();
        let at = list.iter().position(|id| Some(id) == now.as_ref());
        let next = list.get(at.map_or(0, |i| (i + 1) % list.len())).cloned();
        stop();
        start(next);
    };
    let toggle_torch = move |_| {
        let Some(on) = torch.get_untracked() else {
            return;
        };
        let Some(t) = track.get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if set_torch(&t, !on).await {
                torch.set(Some(!on));
            } else {
                problem.set(Some("The torch cannot be switched on this camera.".into()));
            }
        });
    };

    view! {
        <div class="camera">
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="primary big" on:click=move |_| start(None)>
                            "Scan with camera"
                        </button>
                    }
                }
            >
                <button type="button" on:click=move |_| stop()>"Stop camera"</button>
                <Show when=move || { cameras.with(|c| c.len() > 1) }>
                    <button type="button" on:click=switch>"Switch camera"</button>
                </Show>
                <Show when=move || torch.get().is_some()>
                    <button type="button" aria-pressed=move || if torch.get() == Some(true) { "true" } else { "false" } on:click=toggle_torch>
                        "Torch"
                    </button>
                </Show>
            </Show>
            <div class="viewfinder" class:hidden=move || !open.get()>
                <video node_ref=video muted=true playsinline=true autoplay=true aria-label="Camera preview"></video>
                <div class="frame-guide" aria-hidden="true"></div>
                <p class="help" aria-live="polite">
                    {move || format!("Point the camera at the token's QR code ({} frames read).", frames.get())}
                </p>
            </div>
            {move || problem.get().map(|p| view! { <p role="alert" class="error">{p}</p> })}
        </div>
    }
}
