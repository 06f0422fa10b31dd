//! The redemption queue: kept in IndexedDB, sent to `POST /api/v1/sync` on "Sync now", when the phone comes
//! back online, on a timer that backs off while the MDM cannot be reached (and never sooner than its
//! `Retry-After`), and through Background Sync, which wakes the service worker when the network is back even
//! with the app closed (`web/sw.js` sends the queue then). An item leaves the "waiting" state
//! only once the MDM's answer is committed to the phone's storage, so a crash at any point resends at worst, and
//! the MDM's idempotency (the client-made id) turns a resend into `duplicate`.

use std::time::Duration;

use fieldtoken_api::RequestTime;
use fieldtoken_api::sync::{DeviceSignature, SyncRedemption, SyncRequest};
use fieldtoken_core::{DeviceId, OrgId, Redemption, RedemptionId, Timestamp};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::enrol;
use super::model::{
    AfterFailure, ItemState, QueueItem, SyncAnswer, after_failure, display_time, learn_clock,
};
use super::store::{self, QUEUE, StoreError};
use crate::{api, session, worker};

/// The most redemptions sent in one request (the MDM takes up to 5000).
const BATCH: usize = 1000;

/// A message about the queue: `(is_error, text)`.
type Note = Option<(bool, String)>;

/// The queue as the screens share it.
#[derive(Clone, Copy)]
pub struct Queue {
    items: RwSignal<Vec<QueueItem>>,
    syncing: RwSignal<bool>,
    note: RwSignal<Note>,
    failures: RwSignal<u32>,
    retry_pending: RwSignal<bool>,
}

impl Queue {
    /// An empty queue; [`Queue::load`] fills it from the phone's storage.
    pub fn new() -> Queue {
        Queue {
            items: RwSignal::new(Vec::new()),
            syncing: RwSignal::new(false),
            note: RwSignal::new(None),
            failures: RwSignal::new(0),
            retry_pending: RwSignal::new(false),
        }
    }

    /// Reads the queue from IndexedDB, then syncs if anything waits.
    pub fn load(self) {
        spawn_local(async move {
            match stored().await {
                Ok(mut items) => {
                    items.sort_by(|a, b| (a.scanned_at_ms, &a.id).cmp(&(b.scanned_at_ms, &b.id)));
                    self.items.set(items);
                    self.sync_soon();
                }
                Err(e) => self
                    .note
                    .set(Some((true, format!("The queue cannot be read: {e}.")))),
            }
        });
    }

    /// Keeps `item` on the phone; resolves once it is committed to storage, and only then shows it.
    pub async fn add(self, item: QueueItem) -> Result<(), StoreError> {
        let text = serde_json::to_string(&item).map_err(|e| StoreError(e.to_string()))?;
        store::put_all(QUEUE, &[(item.id.clone(), text)]).await?;
        self.items.update(|items| items.push(item));
        // If this sync fails, the worker may send the queue after the app is closed: it needs the session to
        // send it as this operator (the worker cannot read `localStorage`).
        let _ = store::save_session(session::token().as_deref()).await;
        worker::request_background_sync();
        Ok(())
    }

    /// Removes the items the MDM has answered from the phone, leaving only what still waits.
    async fn clear_answered(self) {
        let answered: Vec<String> = self
            .items
            .get_untracked()
            .into_iter()
            .filter(|i| i.state != ItemState::Waiting)
            .map(|i| i.id)
            .collect();
        match store::delete_all(QUEUE, &answered).await {
            Ok(()) => {
                self.items
                    .update(|items| items.retain(|i| i.state == ItemState::Waiting));
                self.note.set(Some((
                    false,
                    format!("Cleared {} answered redemption(s).", answered.len()),
                )));
            }
            Err(e) => self.note.set(Some((true, format!("Not cleared: {e}.")))),
        }
    }

    /// Starts a sync in the background.
    pub fn sync_soon(self) {
        spawn_local(self.sync_now());
    }

    fn waiting(self) -> Vec<QueueItem> {
        self.items
            .try_get_untracked()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| i.state == ItemState::Waiting)
            .collect()
    }

    /// Sends every waiting redemption; on failure, schedules a retry with back-off.
    pub async fn sync_now(self) {
        // After the screen is gone (its signals disposed) a late timer or event does nothing.
        if self.syncing.try_get_untracked().unwrap_or(true) || self.waiting().is_empty() {
            return;
        }
        // `onLine` false is reliable (true is only a hope): wait for the `online` event instead of failing.
        if web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
            worker::request_background_sync();
            self.note.set(Some((
                false,
                format!(
                    "Offline: {} redemption(s) wait on this phone and are sent when the network is back.",
                    self.waiting().len()
                ),
            )));
            return;
        }
        self.syncing.set(true);
        // The service worker's Background Sync sends the same queue: one of them at a time (the lock), and each
        // starts from what storage holds, so neither sends what the other already had answered.
        store::with_queue_lock(async move {
            self.refresh().await;
            self.send_waiting().await;
        })
        .await;
        let _ = self.syncing.try_set(false);
    }

    /// Takes the states storage holds (the worker may have answered items since they were loaded).
    async fn refresh(self) {
        let Ok(stored) = stored().await else {
            return;
        };
        let _ = self.items.try_update(|items| {
            for item in items.iter_mut() {
                if let Some(s) = stored.iter().find(|s| s.id == item.id) {
                    item.state = s.state.clone();
                }
            }
        });
    }

    async fn send_waiting(self) {
        let mut waiting = self.waiting();
        if waiting.is_empty() {
            return;
        }
        // Nobody signed in: an enrolled phone carries its own redemptions with its device key; those for other
        // devices wait for an operator's sign-in.
        let carrier = if session::token().is_none() {
            device_carrier().await
        } else {
            None
        };
        let mut for_operator = 0usize;
        if let Some((_, this)) = carrier {
            let total = waiting.len();
            waiting.retain(|i| i.device_id == this);
            for_operator = total - waiting.len();
        }
        let mut done = 0usize;
        for batch in waiting.chunks(BATCH) {
            let request = match carrier {
                None => SyncRequest {
                    redemptions: batch.iter().map(QueueItem::to_wire).collect(),
                    device_signature: None,
                },
                Some((org, _)) => match signed_request(org, batch).await {
                    Ok(request) => request,
                    Err(why) => {
                        self.note.set(Some((
                            true,
                            format!("Not synced: {why}. Redemptions stay on this phone."),
                        )));
                        return;
                    }
                },
            };
            let body = serde_json::to_value(&request).unwrap_or_default();
            let outcome = match api::post::<SyncAnswer>("/api/v1/sync", &body).await {
                Ok(answer) => self.acknowledge(answer).await.map_err(|e| api::ApiError {
                    status: 0,
                    code: "storage".into(),
                    message: e.to_string(),
                    retry_after: None,
                }),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(n) => done += n,
                Err(error) => {
                    self.failed(&error);
                    return;
                }
            }
        }
        if for_operator > 0 {
            let _ = self.failures.try_set(0);
            let _ = self.note.try_set(Some((
                false,
                format!(
                    "Synced this device's redemptions ({done}). {for_operator} for other devices wait for an operator: sign in (Operator sign-in), then press Sync now."
                ),
            )));
            return;
        }
        let _ = self.failures.try_set(0);
        let _ = self.note.try_set(Some((
            false,
            format!("Synced: the MDM answered for {done} redemption(s)."),
        )));
    }

    /// Commits the MDM's answers to storage, then shows them. Returns how many were answered.
    async fn acknowledge(self, answer: SyncAnswer) -> Result<usize, StoreError> {
        learn_clock(&answer.server_time.0);
        let mut updated = Vec::new();
        let items = self.items.try_get_untracked().unwrap_or_default();
        for result in answer.results {
            let state = ItemState::from_result(result.status, result.reason);
            if let (Some(state), Some(item)) = (state, items.iter().find(|i| i.id == result.id)) {
                updated.push(QueueItem {
                    state,
                    ..item.clone()
                });
            }
        }
        let texts = updated
            .iter()
            .map(|i| serde_json::to_string(i).map(|t| (i.id.clone(), t)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError(e.to_string()))?;
        store::put_all(QUEUE, &texts).await?;
        self.items.update(|items| {
            for item in items.iter_mut() {
                if let Some(new) = updated.iter().find(|u| u.id == item.id) {
                    *item = new.clone();
                }
            }
        });
        Ok(updated.len())
    }

    fn failed(self, error: &api::ApiError) {
        let failures = self.failures.try_get_untracked().unwrap_or(0) + 1;
        self.failures.set(failures);
        let delay = match after_failure(error.status, error.retry_after, failures) {
            AfterFailure::RetryIn(seconds) => seconds,
            AfterFailure::WaitForOperator => {
                let what = if error.code == "certificate_reset" {
                    "this device's certificate was reset, so the MDM no longer accepts its signature. Enrol it again (Enrol device), then press Sync now".to_owned()
                } else if error.is_unauthenticated() {
                    "the MDM no longer accepts this phone's sign-in. Sign in again (Operator sign-in), then press Sync now".to_owned()
                } else {
                    format!(
                        "{}. Automatic retries are paused; Sync now tries again",
                        error.message
                    )
                };
                self.note.set(Some((
                    true,
                    format!("Not synced: {what}. Redemptions stay on this phone."),
                )));
                return;
            }
        };
        if error.status == 0 {
            // The network may stay away until the app is closed: let the worker send the queue then.
            worker::request_background_sync();
        }
        self.note.set(Some((
            true,
            format!(
                "Not synced: {}. Redemptions stay on this phone; next try in {delay} s.",
                error.message
            ),
        )));
        if !self.retry_pending.try_get_untracked().unwrap_or(true) {
            self.retry_pending.set(true);
            set_timeout(
                move || {
                    self.retry_pending.set(false);
                    self.sync_soon();
                },
                Duration::from_secs(delay),
            );
        }
    }
}

/// Every redemption kept in storage (an item this app version cannot read is left there, not shown).
async fn stored() -> Result<Vec<QueueItem>, StoreError> {
    Ok(store::get_all(QUEUE)
        .await?
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect())
}

/// The "Queue" region: every redemption kept on this phone with its state in words, and "Sync now".
#[component]
pub fn QueueView(queue: Queue) -> impl IntoView {
    let rows = move || {
        let mut items = queue.items.get();
        items.reverse();
        items
    };
    view! {
        <section aria-labelledby="queue-title" class="queue">
            <div class="queue-head">
                <h2 id="queue-title">"Queue"</h2>
                <button type="button" on:click=move |_| queue.sync_soon() disabled=move || queue.syncing.get()>
                    {move || if queue.syncing.get() { "Syncing…" } else { "Sync now" }}
                </button>
                <Show when=move || queue.items.with(|items| items.iter().any(|i| i.state != ItemState::Waiting))>
                    <button type="button" on:click=move |_| spawn_local(queue.clear_answered())>
                        "Clear answered"
                    </button>
                </Show>
            </div>
            {move || {
                queue
                    .note
                    .get()
                    .map(|(error, text)| {
                        if error {
                            view! { <p role="alert" class="error">{text}</p> }.into_any()
                        } else {
                            view! { <p role="status">{text}</p> }.into_any()
                        }
                    })
            }}
            <Show
                when=move || !queue.items.get().is_empty()
                fallback=|| view! { <p class="empty">"Nothing queued on this phone."</p> }
            >
                <ul class="queue-list">
                    <For each=rows key=|item| (item.id.clone(), item.state.clone()) let:item>
                        <li class="queue-item">
                            <span class="queue-what">
                                <strong>{item.serial.clone()}</strong>
                                ": "
                                {item.action.clone()}
                            </span>
                            <span class=if item.state == ItemState::Waiting {
                                "badge waiting"
                            } else if matches!(item.state, ItemState::Applied | ItemState::Duplicate) {
                                "badge ok"
                            } else {
                                "badge expired"
                            }>{item.state.words()}</span>
                            <span class="help">"Scanned " {display_time(&item.scanned_at)}</span>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// The organisation and id this phone signs as, when it is enrolled and holds a bundle (which names its
/// organisation).
async fn device_carrier() -> Option<(OrgId, u32)> {
    let this = enrol::this_device().await?;
    Some((OrgId::new(super::token::kept_org().await?).ok()?, this.id))
}

/// `batch` (this device's own redemptions) signed with the device key; scan times are sent as the milliseconds
/// that were signed, so the MDM reads exactly what the signature covers.
async fn signed_request(org: OrgId, batch: &[QueueItem]) -> Result<SyncRequest, String> {
    let core = batch
        .iter()
        .map(|i| {
            Ok(Redemption {
                id: RedemptionId::new(&i.id)?,
                token: i.token.clone(),
                device_id: DeviceId::new(i.device_id)?,
                scanned_at: Timestamp::from_millis(i.scanned_at_ms),
            })
        })
        .collect::<Result<Vec<_>, fieldtoken_core::Error>>()
        .map_err(|e| e.to_string())?;
    let (signer, signature) = enrol::sign_sync(org, &core)
        .await?
        .ok_or("this phone is no longer enrolled: enrol it again (Enrol device)")?;
    Ok(SyncRequest {
        redemptions: batch
            .iter()
            .map(|i| SyncRedemption {
                scanned_at: RequestTime::Millis(i.scanned_at_ms),
                ..i.to_wire()
            })
            .collect(),
        device_signature: Some(DeviceSignature {
            device_id: i64::from(signer.get()),
            signature: fieldtoken_core::hex::encode(&signature),
        }),
    })
}
