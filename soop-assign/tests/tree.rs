//! An assign pool as a supervision-tree child: built from the tree's
//! builder, restarted by its supervisor when it gives up, and every ticket
//! still resolves.

use std::time::Duration;

#[path = "../../testkit/bounded.rs"]
mod bounded;

use bounded::{eventually, within_a_minute};
use soop_assign::restart::{Backoff, Intensity};
use soop_assign::supervisor::{Child, ChildState, Supervisor};
use soop_assign::{Builder, Error, from_fn};

#[test]
fn an_assign_pool_that_gives_up_is_restarted_by_its_supervisor() {
    within_a_minute(|| {
        let (child, current) = Child::pool("halver", |b| {
            Builder::from(b)
                .workers(1)
                .backoff(Backoff::None)
                .intensity(Intensity {
                    max_restarts: 1,
                    window: Duration::from_secs(60),
                })
                .build(from_fn(
                    |n: u32| if n % 2 == 1 { Err("odd") } else { Ok(n / 2) },
                ))
        });
        let tree = Supervisor::builder("root").child(child).start().unwrap();
        let first = current.get().unwrap();
        assert_eq!(first.status().name, "root/halver");
        assert_eq!(first.assign(8).unwrap().wait(), Ok(4));
        // Two failures: past its intensity, the pool gives up.
        for n in [1, 3] {
            let outcome = first.assign(n).map(|t| t.wait());
            assert!(
                matches!(
                    outcome,
                    Ok(Err(Error::Failed("odd"))) | Ok(Err(Error::Cancelled)) | Err(_)
                ),
                "{outcome:?}"
            );
        }
        eventually("the supervisor restarts it", || {
            current
                .get()
                .is_some_and(|now| !std::sync::Arc::ptr_eq(&now, &first) && !now.is_closed())
        });
        let second = current.get().unwrap();
        assert_eq!(second.assign(10).unwrap().wait(), Ok(5));
        let snapshot = tree.snapshot();
        let halver = snapshot.find("root/halver").unwrap();
        assert_eq!((halver.restarts, halver.state), (1, ChildState::Running));
        assert!(first.is_closed());
        tree.stop();
        assert!(current.get().is_none());
        assert!(second.assign(2).is_err(), "the stopped pool takes nothing");
    });
}
