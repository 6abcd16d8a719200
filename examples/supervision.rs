//! A small supervision tree: two pools and a health-check actor under a
//! root, one pool flaky. The output shows worker restarts, a pool giving up
//! and its supervisor restarting it, a supervisor giving up and the root
//! restarting it clean, a stalled call replaced by the watchdog, the tree
//! snapshot, and the stop in reverse start order.
//!
//! ```text
//! root            one-for-one, 3 restarts in 10 s
//! ├── services    one-for-one, 1 restart in 10 s
//! │   ├── orders    prices orders (one huge order stalls a worker)
//! │   └── payments  checks card numbers; a bad number is a failure
//! └── health      a run loop: checks both pools every 20 ms, heartbeats
//! ```
//!
//! Run with `cargo run --release --example supervision`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use soop::core::restart::Intensity;
use soop::core::supervisor::{Child, Current, Supervisor};
use soop::core::{Context, Event, FnWorker, Job, Pool, ReplySlots, Worker, from_fn};

/// An order: (quantity, unit price in cents) per line.
type Order = Vec<(u32, u64)>;
type Pricer = FnWorker<fn(Order) -> Result<u64, String>, Order, u64, String>;
type Checker = FnWorker<fn(String) -> Result<u64, String>, String, u64, String>;

fn main() {
    let checks = Arc::new(AtomicU64::new(0));
    let pools_down = Arc::new(AtomicU64::new(0));
    let (orders, orders_pool) = Child::pool("orders", |b| {
        b.workers(2)
            // A call longer than this is reported, and a new thread takes
            // the stalled worker's place.
            .stall_limit(Duration::from_millis(50))
            .build(from_fn(price as fn(Order) -> Result<u64, String>))
    });
    let (payments, payments_pool) = Child::pool("payments", |b| {
        b.workers(2)
            .intensity(Intensity {
                max_restarts: 2,
                window: Duration::from_secs(10),
            })
            .build(from_fn(check_card as fn(String) -> Result<u64, String>))
    });
    let health = {
        let (orders, payments) = (orders_pool.clone(), payments_pool.clone());
        let (checks, down) = (Arc::clone(&checks), Arc::clone(&pools_down));
        Child::run_loops("health", move |b| {
            let (orders, payments) = (orders.clone(), payments.clone());
            let (checks, down) = (Arc::clone(&checks), Arc::clone(&down));
            b.workers(1)
                .stall_limit(Duration::from_secs(1))
                .run_loops(move || {
                    let (orders, payments) = (orders.clone(), payments.clone());
                    let (checks, down) = (Arc::clone(&checks), Arc::clone(&down));
                    move |ctx: &Context<'_>| {
                        while !ctx.sleep(Duration::from_millis(20)) {
                            ctx.heartbeat();
                            checks.fetch_add(1, Ordering::Relaxed);
                            for up in [is_up(&orders), is_up(&payments)] {
                                down.fetch_add(u64::from(!up), Ordering::Relaxed);
                            }
                        }
                        Ok::<_, String>(())
                    }
                })
        })
    };
    let services = Supervisor::builder("services")
        .intensity(Intensity {
            max_restarts: 1,
            window: Duration::from_secs(10),
        })
        .child(orders)
        .child(payments);
    let tree = Supervisor::builder("root")
        .intensity(Intensity {
            max_restarts: 3,
            window: Duration::from_secs(10),
        })
        .observer(print_event)
        .child(Child::supervisor(services))
        .child(health)
        .start()
        .expect("the tree starts");
    println!("started:\n{}", tree.snapshot());

    println!("1. steady traffic: 2,000 orders priced, 2,000 cards checked");
    let total = price_orders(&orders_pool, 2_000);
    let approved = check_cards(&payments_pool, 2_000);
    println!(
        "   orders total {:.2}, {approved} cards approved\n",
        total as f64 / 100.0
    );

    println!("2. a huge order stalls an orders worker; the watchdog replaces it");
    let huge = vec![(1, 1); 1]; // priced slowly: see `price`
    let pool = orders_pool.get().expect("orders runs");
    let pricing = ReplySlots::new(1);
    let slots = ReplySlots::new(4);
    let (to, slow) = pricing.pair();
    pool.submit(Job::with_reply(huge, to))
        .expect("orders takes it");
    let meanwhile = price_orders(&orders_pool, 500);
    println!(
        "   500 orders priced meanwhile (total {:.2})",
        meanwhile as f64 / 100.0
    );
    let _ = slow.wait();
    println!("   the huge order finished too\n");

    println!("3. bad card numbers, until payments gives up, twice; then services gives up");
    let mut declined = 0;
    for _ in 0..2 {
        // Fail one incarnation of payments until it gives up, then wait for
        // the next one (its supervisor's restart).
        let doomed = wait_for_new(&payments_pool, None);
        while !doomed.is_closed() {
            let (to, reply) = slots.pair();
            if doomed
                .submit(Job::with_reply(card(declined, true), to))
                .is_ok()
            {
                declined += u64::from(matches!(reply.wait(), Ok(Err(_))));
            }
        }
        wait_for_new(&payments_pool, Some(&doomed));
    }
    println!("   {declined} cards declined on the way\n");

    println!("4. services restarted clean: traffic flows again");
    let approved = check_cards(&payments_pool, 1_000);
    println!("   {approved} cards approved\n");

    println!("snapshot:\n{}", tree.snapshot());
    println!(
        "health: {} checks, saw a pool down {} times",
        checks.load(Ordering::Relaxed),
        pools_down.load(Ordering::Relaxed)
    );
    println!("\nstopping (reverse start order):");
    tree.stop();
}

/// Whether a pool of the tree runs and takes work.
fn is_up<W: Worker>(pool: &Current<Pool<W>>) -> bool {
    pool.get().is_some_and(|p| !p.is_closed())
}

/// Sums an order's lines, with 8% tax. An order of one line of one cent is
/// "huge": it stands for a call that hangs on something slow.
fn price(order: Order) -> Result<u64, String> {
    if order == [(1, 1)] {
        std::thread::sleep(Duration::from_millis(300));
    }
    let net: u64 = order
        .iter()
        .map(|&(qty, cents)| u64::from(qty) * cents)
        .sum();
    Ok(net + net * 8 / 100)
}

/// Checks a card number with the Luhn checksum; returns its last four
/// digits, or fails.
fn check_card(number: String) -> Result<u64, String> {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum = luhn_sum(&digits);
    if digits.len() < 12 || sum % 10 != 0 {
        return Err(format!("declined: {number} fails its checksum"));
    }
    Ok(digits[digits.len() - 4..]
        .iter()
        .fold(0, |n, &d| n * 10 + u64::from(d)))
}

/// The Luhn sum of `digits`: a valid card number's is a multiple of 10.
fn luhn_sum(digits: &[u32]) -> u32 {
    let doubled = |d: u32| (d * 2) / 10 + (d * 2) % 10;
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { doubled(d) } else { d })
        .sum()
}

/// A 16-digit card number with a valid checksum (or a broken one).
fn card(seed: u64, broken: bool) -> String {
    let mut digits: Vec<u32> = (0..15)
        .map(|i| {
            ((seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(i * 1442695040888963407))
                >> 33) as u32
                % 10
        })
        .collect();
    digits.push(0);
    let sum = luhn_sum(&digits);
    digits[15] = (10 - sum % 10) % 10;
    if broken {
        digits[15] = (digits[15] + 1) % 10;
    }
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

/// Prices `n` orders on whichever incarnation of the pool runs; returns the
/// total of those priced.
fn price_orders(pool: &Current<Pool<Pricer>>, n: u64) -> u64 {
    let slots = ReplySlots::new(64);
    let mut total = 0;
    for i in 0..n {
        let order = vec![(1 + (i % 3) as u32, 250 + i % 700), (2, 99)];
        let Some(pool) = pool.get() else { continue };
        let (to, reply) = slots.pair();
        if pool.submit(Job::with_reply(order, to)).is_ok() {
            total += reply.wait().ok().and_then(Result::ok).unwrap_or(0);
        }
    }
    total
}

/// Checks `n` good cards on whichever incarnation of the pool runs;
/// returns how many were approved.
fn check_cards(pool: &Current<Pool<Checker>>, n: u64) -> u64 {
    let slots = ReplySlots::new(64);
    let mut approved = 0;
    let mut seed = 0;
    while seed < n {
        let pool = wait_for_new(pool, None);
        let (to, reply) = slots.pair();
        if pool.submit(Job::with_reply(card(seed, false), to)).is_ok() {
            approved += u64::from(matches!(reply.wait(), Ok(Ok(_))));
            seed += 1;
        }
    }
    approved
}

/// The running incarnation of a pool, once there is one other than `old`.
fn wait_for_new<W: Worker>(pool: &Current<Pool<W>>, old: Option<&Arc<Pool<W>>>) -> Arc<Pool<W>> {
    loop {
        match pool.get() {
            Some(now) if !now.is_closed() && !old.is_some_and(|old| Arc::ptr_eq(old, &now)) => {
                return now;
            }
            _ => std::thread::yield_now(), // being restarted
        }
    }
}

/// Prints what the tree did, leaving out the routine starts and stops of
/// single workers.
fn print_event(event: &Event) {
    match event {
        Event::Restarting {
            pool,
            worker,
            last_error,
            ..
        } => println!("   [{pool}] worker {worker} restarts after: {last_error}"),
        Event::Terminal(e) => println!(
            "   [{}] gave up: {} restarts in {:?} passed",
            e.pool, e.max_restarts, e.window
        ),
        Event::ChildRestarting { path, restarts, .. } => {
            println!("   [{path}] restarted by its supervisor (restart {restarts})")
        }
        Event::SupervisorTerminal(e) => println!(
            "   [{}] gave up: {} failed past {} restart in {:?}; escalating",
            e.supervisor, e.child, e.max_restarts, e.window
        ),
        Event::Stalled {
            pool,
            worker,
            busy_for,
            replacement,
        } => println!(
            "   [{pool}] worker {worker} stalled ({busy_for:?} in one call); replacement: worker {}",
            replacement.map_or("none".to_string(), |r| r.to_string())
        ),
        Event::ChildStopped { path, reason } => println!("   [{path}] stopped ({reason:?})"),
        Event::ChildStopTimedOut { path, waited } => {
            println!("   [{path}] did not stop within {waited:?}")
        }
        _ => {}
    }
}
