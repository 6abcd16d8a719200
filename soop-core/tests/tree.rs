//! Supervision trees: strategies restart exactly the right children in the
//! right order, escalation climbs the tree, stops go in reverse order, a
//! child that ignores its stop is reported and the rest still stop, and
//! children come and go while the tree runs.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Recorder, eventually, within_a_minute};
use soop_core::restart::{Backoff, Intensity, Policy};
use soop_core::supervisor::{Child, ChildState, Strategy, Supervisor, TreeError};
use soop_core::{Context, Event, Job, ManualClock, StopReason, from_fn};

/// What the children did, in the order they did it.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    fn wait_for(&self, len: usize) -> Vec<String> {
        eventually(&format!("{len} log lines"), || self.lines().len() >= len);
        self.lines()
    }
}

/// Which child should fail next.
#[derive(Clone, Default)]
struct Trigger(Arc<Mutex<Option<String>>>);

impl Trigger {
    fn fail(&self, name: &str) {
        *self.0.lock().unwrap() = Some(name.to_string());
    }
    fn take(&self, name: &str) -> bool {
        self.0.lock().unwrap().take_if(|n| n == name).is_some()
    }
}

/// A run-loop child that logs its starts (on the supervisor's thread, so
/// in start order), its stops, and fails for good when triggered.
fn logged(name: &'static str, log: &Log, trigger: &Trigger) -> Child {
    let (log, trigger) = (log.clone(), trigger.clone());
    Child::run_loops(name, move |builder| {
        log.push(format!("start {name}"));
        let (log, trigger) = (log.clone(), trigger.clone());
        builder
            .workers(1)
            .policy(Policy::Temporary)
            .run_loops(move || {
                let (log, trigger) = (log.clone(), trigger.clone());
                move |ctx: &Context<'_>| loop {
                    if ctx.sleep(Duration::from_millis(1)) {
                        log.push(format!("stop {name}"));
                        return Ok(());
                    }
                    if trigger.take(name) {
                        log.push(format!("fail {name}"));
                        return Err("injected failure");
                    }
                }
            })
    })
}

fn three_children(strategy: Strategy) -> (Supervisor, Log, Trigger) {
    let (log, trigger) = (Log::default(), Trigger::default());
    let tree = Supervisor::builder("root")
        .strategy(strategy)
        .child(logged("a", &log, &trigger))
        .child(logged("b", &log, &trigger))
        .child(logged("c", &log, &trigger))
        .start()
        .unwrap();
    (tree, log, trigger)
}

fn restarts(tree: &Supervisor) -> Vec<u32> {
    tree.snapshot()
        .children
        .iter()
        .map(|c| c.restarts)
        .collect()
}

/// Starts `root` with logged children `a` and `b` around `middle`, stops
/// it, checks that `b` then `a` stopped (in reverse, past whatever `middle`
/// did), and returns what the observer saw.
fn stop_around(log: &Log, middle: Child) -> Vec<Event> {
    let (trigger, recorder) = (Trigger::default(), Recorder::default());
    let tree = Supervisor::builder("root")
        .observer(recorder.clone())
        .child(logged("a", log, &trigger))
        .child(middle)
        .child(logged("b", log, &trigger))
        .start()
        .unwrap();
    tree.stop();
    assert_eq!(log.lines()[2..], lines(&["stop b", "stop a"]));
    recorder.events()
}

fn lines(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// Fails child b under `strategy`; checks the log of starts, stops and
/// failures, that every child runs again, and each child's restarts.
fn fail_b_under(strategy: Strategy, expected: &[&str], restarted: [u32; 3]) -> (Supervisor, Log) {
    let (tree, log, trigger) = three_children(strategy);
    trigger.fail("b");
    let expected = lines(expected);
    assert_eq!(log.wait_for(expected.len()), expected);
    eventually("every child runs again", || {
        tree.snapshot()
            .children
            .iter()
            .all(|c| c.state == ChildState::Running)
    });
    assert_eq!(restarts(&tree), restarted);
    (tree, log)
}

#[test]
fn one_for_one_restarts_only_the_failed_child() {
    within_a_minute(|| {
        let expected = ["start a", "start b", "start c", "fail b", "start b"];
        fail_b_under(Strategy::OneForOne, &expected, [0, 1, 0]);
    });
}

#[test]
fn one_for_all_stops_the_others_in_reverse_and_restarts_all_in_order() {
    within_a_minute(|| {
        let expected = [
            "start a", "start b", "start c", "fail b", "stop c", "stop a", "start a", "start b",
            "start c",
        ];
        fail_b_under(Strategy::OneForAll, &expected, [1, 1, 1]);
    });
}

#[test]
fn rest_for_one_restarts_the_failed_child_and_those_after_it() {
    within_a_minute(|| {
        let expected = [
            "start a", "start b", "start c", "fail b", "stop c", "start b", "start c",
        ];
        let (tree, log) = fail_b_under(Strategy::RestForOne, &expected, [0, 1, 1]);
        tree.stop();
        // Nothing after the stop restarts anything: the log ends with the stops.
        assert_eq!(
            log.lines()[expected.len()..],
            lines(&["stop c", "stop b", "stop a"])
        );
    });
}

#[test]
fn stop_order_is_reverse_start_order_down_the_tree() {
    within_a_minute(|| {
        let (log, trigger) = (Log::default(), Trigger::default());
        let inner = Supervisor::builder("inner")
            .child(logged("x", &log, &trigger))
            .child(logged("y", &log, &trigger));
        let tree = Supervisor::builder("root")
            .child(logged("a", &log, &trigger))
            .child(Child::supervisor(inner))
            .child(logged("b", &log, &trigger))
            .start()
            .unwrap();
        assert_eq!(
            log.lines(),
            lines(&["start a", "start x", "start y", "start b"])
        );
        tree.stop();
        assert_eq!(
            log.lines()[4..],
            lines(&["stop b", "stop y", "stop x", "stop a"])
        );
        assert!(!tree.is_running());
        assert_eq!(tree.terminal(), None);
    });
}

#[test]
fn escalation_climbs_two_levels_and_the_root_reports_the_path() {
    within_a_minute(|| {
        let recorder = Recorder::default();
        let clock = Arc::new(ManualClock::new()); // restart windows never expire
        let (db, db_pool) = Child::pool("db", |b| {
            b.workers(1)
                .backoff(Backoff::None)
                .intensity(Intensity {
                    max_restarts: 1,
                    window: Duration::from_secs(60),
                })
                .build(from_fn(|_: u32| Err::<u32, _>("db down")))
        });
        let data = Supervisor::builder("data").child(db); // 1 restart in 5 s
        let tree = Supervisor::builder("root")
            .clock(Arc::clone(&clock))
            .observer(recorder.clone())
            .child(Child::supervisor(data))
            .start()
            .unwrap();
        // Keep failing whichever db runs until the whole tree gives up.
        while tree.terminal().is_none() {
            if let Some(pool) = db_pool.get() {
                let _ = pool.try_submit(Job::new(1));
            }
            std::thread::yield_now();
        }
        let terminal = tree.terminal().unwrap();
        assert_eq!(terminal.supervisor, "root");
        assert_eq!(terminal.child, "root/data");
        assert_eq!(terminal.origin, "root/data/db");
        assert!(terminal.last_error.contains("db down"), "{terminal}");
        tree.stop(); // joins the observer: every event is in
        let events = recorder.events();
        let gave_up: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                Event::SupervisorTerminal(t) => Some(t.supervisor.as_str()),
                _ => None,
            })
            .collect();
        // data gave up, was restarted clean, gave up again; then root.
        assert_eq!(gave_up, ["root/data", "root/data", "root"]);
        // The pool's own escalations, named by path: 2 per life of data.
        let pool_gave_up = events
            .iter()
            .filter(|e| matches!(e, Event::Terminal(t) if t.pool == "root/data/db"))
            .count();
        assert_eq!(pool_gave_up, 4);
        assert!(events.iter().any(|e| matches!(
            e,
            Event::ChildRestarting { path, .. } if &**path == "root/data"
        )));
        assert!(db_pool.get().is_none());
    });
}

#[test]
fn a_child_that_ignores_stop_is_reported_and_the_rest_still_stop() {
    within_a_minute(|| {
        let log = Log::default();
        let (release, released) = mpsc::channel::<()>();
        let released = Arc::new(Mutex::new(released));
        let stuck_log = log.clone();
        let stuck = Child::run_loops("stuck", move |b| {
            let (released, log) = (Arc::clone(&released), stuck_log.clone());
            b.workers(1).run_loops(move || {
                let (released, log) = (Arc::clone(&released), log.clone());
                move |_: &Context<'_>| {
                    // Deaf to the stop: waits for the test's release only.
                    let _ = released.lock().unwrap().recv();
                    log.push("stuck returned".to_string());
                    Ok::<_, String>(())
                }
            })
        })
        .shutdown(Duration::from_millis(50));
        let events = stop_around(&log, stuck);
        assert!(events.iter().any(|e| matches!(
            e,
            Event::ChildStopTimedOut { path, waited }
                if &**path == "root/stuck" && *waited == Duration::from_millis(50)
        )));
        release.send(()).unwrap();
        log.wait_for(5);
        assert_eq!(log.lines()[4], "stuck returned");
    });
}

#[test]
fn children_added_while_running_are_supervised_and_removed_ones_are_not() {
    within_a_minute(|| {
        let (log, trigger, recorder) = (Log::default(), Trigger::default(), Recorder::default());
        let tree = Supervisor::builder("root")
            .observer(recorder.clone())
            .start()
            .unwrap();
        tree.add(logged("late", &log, &trigger)).unwrap();
        trigger.fail("late");
        let expected = lines(&["start late", "fail late", "start late"]);
        assert_eq!(log.wait_for(3), expected);
        eventually("late runs again", || {
            tree.snapshot().find("root/late").map(|c| c.state) == Some(ChildState::Running)
        });
        tree.remove("late").unwrap();
        assert_eq!(log.lines()[3], "stop late");
        assert!(tree.snapshot().children.is_empty());
        assert!(matches!(
            tree.remove("late"),
            Err(TreeError::NoSuchChild { .. })
        ));
        assert!(matches!(
            tree.add(logged("", &log, &trigger)),
            Err(TreeError::BadName { .. })
        ));
        tree.stop();
        assert!(matches!(
            tree.add(logged("after", &log, &trigger)),
            Err(TreeError::Stopped { .. })
        ));
        assert!(recorder.events().iter().any(|e| matches!(
            e,
            Event::ChildStopped { path, reason: StopReason::Shutdown } if &**path == "root/late"
        )));
    });
}

#[test]
fn temporary_children_leave_and_transient_ones_stay_stopped_after_a_clean_end() {
    within_a_minute(|| {
        let once = |name: &'static str, policy| {
            Child::run_loops(name, |b| {
                b.workers(1)
                    .policy(Policy::Temporary)
                    .run_loops(|| |_: &Context<'_>| Ok::<_, String>(()))
            })
            .restart(policy)
        };
        let tree = Supervisor::builder("root")
            .child(once("temporary", Policy::Temporary))
            .child(once("transient", Policy::Transient))
            .start()
            .unwrap();
        eventually(
            "the temporary child leaves, the transient one stops",
            || {
                let snapshot = tree.snapshot();
                snapshot.find("root/temporary").is_none()
                    && snapshot.find("root/transient").map(|c| c.state) == Some(ChildState::Stopped)
            },
        );
        assert_eq!(tree.snapshot().find("root/transient").unwrap().restarts, 0);
        assert!(tree.is_running());
    });
}

#[test]
fn a_tree_that_cannot_start_stops_what_it_started() {
    within_a_minute(|| {
        let (log, trigger) = (Log::default(), Trigger::default());
        let (bad, _) = Child::pool("bad", |b| {
            b.workers(0).build(from_fn(|n: u8| Ok::<_, String>(n)))
        });
        let err = Supervisor::builder("root")
            .child(logged("a", &log, &trigger))
            .child(bad)
            .start()
            .unwrap_err();
        assert!(matches!(err, TreeError::Start { ref path, .. } if path == "root/bad"));
        assert_eq!(log.lines(), lines(&["start a", "stop a"]));
        let dup = Supervisor::builder("root")
            .child(logged("a", &log, &trigger))
            .child(logged("a", &log, &trigger))
            .start()
            .unwrap_err();
        assert!(matches!(dup, TreeError::Duplicate { .. }));
    });
}

#[test]
fn children_come_and_go_anywhere_in_the_tree_by_path() {
    within_a_minute(|| {
        let (log, trigger) = (Log::default(), Trigger::default());
        let inner = Supervisor::builder("inner").child(logged("x", &log, &trigger));
        let tree = Supervisor::builder("root")
            .child(Child::supervisor(inner))
            .start()
            .unwrap();
        tree.add_at("root/inner", logged("y", &log, &trigger))
            .unwrap();
        assert_eq!(log.lines(), lines(&["start x", "start y"]));
        // Added below, supervised below: y's failure restarts y there.
        trigger.fail("y");
        assert_eq!(log.wait_for(4)[2..], lines(&["fail y", "start y"]));
        tree.remove_at("root/inner/x").unwrap();
        assert_eq!(log.lines()[4], "stop x");
        let names: Vec<String> = tree
            .snapshot()
            .find("root/inner")
            .unwrap()
            .children
            .iter()
            .map(|c| c.path.clone())
            .collect();
        assert_eq!(names, ["root/inner/y"]);
        for wrong in ["root/nothing", "elsewhere/inner", "root/inner/y"] {
            assert!(
                matches!(
                    tree.add_at(wrong, logged("z", &log, &trigger)),
                    Err(TreeError::NoSuchChild { .. })
                ),
                "{wrong} is no supervisor"
            );
        }
        assert!(matches!(
            tree.remove_at("root/inner/x"),
            Err(TreeError::NoSuchChild { .. })
        ));
        assert!(matches!(
            tree.remove_at("root"),
            Err(TreeError::NoSuchChild { .. })
        ));
    });
}

#[test]
fn tree_types_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Supervisor>();
    send_sync::<soop_core::supervisor::SupervisorBuilder>();
    send_sync::<Child>();
    send_sync::<
        soop_core::supervisor::Current<
            soop_core::Pool<soop_core::FnWorker<fn(u8) -> Result<u8, String>, u8, u8, String>>,
        >,
    >();
    send_sync::<soop_core::supervisor::ChildSnapshot>();
    send_sync::<TreeError>();
    send_sync::<soop_core::supervisor::TreeEscalation>();
    send_sync::<soop_core::SubmitError<u8>>();
}

#[test]
fn a_builder_that_panics_is_a_failed_start_not_a_dead_supervisor() {
    common::quiet_panics();
    within_a_minute(|| {
        let boom = Child::run_loops("boom", |_| panic!("injected: cannot build"));
        let err = Supervisor::builder("root").child(boom).start().unwrap_err();
        assert!(
            matches!(err, TreeError::Panicked { ref path, ref message } if path == "root/boom" && message.contains("cannot build")),
            "{err}"
        );
        // Built once, then panics at every rebuild: each failed start counts
        // as a failure until the root gives up, and the tree says so.
        let (log, trigger) = (Log::default(), Trigger::default());
        let builds = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let flaky = {
            let (log, trigger, builds) = (log.clone(), trigger.clone(), Arc::clone(&builds));
            Child::run_loops("flaky", move |b| {
                if builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
                    panic!("injected: cannot rebuild");
                }
                let (log, trigger) = (log.clone(), trigger.clone());
                b.workers(1).policy(Policy::Temporary).run_loops(move || {
                    let (log, trigger) = (log.clone(), trigger.clone());
                    move |ctx: &Context<'_>| loop {
                        if ctx.sleep(Duration::from_millis(1)) {
                            return Ok(());
                        }
                        if trigger.take("flaky") {
                            log.push("fail flaky".to_string());
                            return Err("injected failure");
                        }
                    }
                })
            })
        };
        let tree = Supervisor::builder("root")
            .intensity(Intensity {
                max_restarts: 3,
                window: Duration::from_secs(3600),
            })
            .child(flaky)
            .start()
            .unwrap();
        trigger.fail("flaky");
        let terminal = tree
            .wait_terminal(Duration::from_secs(60))
            .expect("the root gives up");
        assert_eq!(terminal.child, "root/flaky");
        assert!(terminal.last_error.contains("cannot rebuild"), "{terminal}");
        assert_eq!(
            builds.load(std::sync::atomic::Ordering::SeqCst),
            4,
            "the first build and 3 restarts"
        );
        tree.stop();
    });
}

type Echo = soop_core::FnWorker<fn(u8) -> Result<u8, String>, u8, u8, String>;

/// A front-end whose stop panics (after stopping its pool).
struct Clumsy(soop_core::Pool<Echo>);

impl soop_core::supervisor::Supervised for Clumsy {
    fn begin_stop(&self, deadline: std::time::Instant) {
        self.0.begin_stop(deadline);
        panic!("injected: clumsy stop");
    }
    fn wait_stopped(&self, deadline: std::time::Instant) -> bool {
        self.0.wait_stopped(deadline)
    }
    fn finish_stop(&self) {
        self.0.finish_stop();
    }
    fn status(&self) -> soop_core::PoolStatus {
        self.0.status()
    }
}

#[test]
fn a_child_whose_stop_panics_is_reported_and_the_rest_still_stop() {
    common::quiet_panics();
    within_a_minute(|| {
        let (clumsy, _) = Child::pool("clumsy", |b| {
            let echo: fn(u8) -> Result<u8, String> = Ok;
            b.workers(1).build(from_fn(echo)).map(Clumsy)
        });
        let events = stop_around(&Log::default(), clumsy);
        assert!(events.iter().any(|e| matches!(
            e,
            Event::ChildStopped { path, reason: StopReason::Failed(m) }
                if &**path == "root/clumsy" && m.contains("clumsy stop")
        )));
    });
}
