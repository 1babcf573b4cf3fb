//! A fixed set of threads for argon2, each owning one block of argon2 memory for its lifetime.
//!
//! Allocating argon2's memory per hash, on ever-changing blocking threads, let glibc keep every
//! freed block: resident memory climbed by hundreds of MiB under a login burst. Here each worker
//! allocates its memory once, so what the pool holds is `concurrency ×` the memory cost, flat.
//!
//! Admission is a semaphore with one permit per worker: a job is queued only with a permit, and
//! the permit travels with the job until the work is done (even if its caller has gone), so a
//! queued job always finds a worker about to be free. A caller that gets no permit within the
//! queue timeout gets [`HashError::Busy`].

use std::{
    panic::{self, AssertUnwindSafe},
    sync::{mpsc, Arc, Mutex, PoisonError},
    thread::JoinHandle,
    time::Duration,
};

use argon2::Block;
use prometheus_client::metrics::histogram::Histogram;
use tokio::sync::{oneshot, Semaphore};

use super::HashError;

/// A job gets the worker's memory; what it computes goes back through a channel it captured.
type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

/// What the pool measures: the wait for a permit, and the work itself (seconds). (Hashes in
/// flight are the permits taken: [`Pool::in_flight`].) Cheap to clone: every clone shares the
/// same values.
#[derive(Clone, Debug)]
pub struct HashMetrics {
    pub queue_wait: Histogram,
    pub duration: Histogram,
}

impl Default for HashMetrics {
    fn default() -> Self {
        let buckets = || Histogram::new([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]);
        Self { queue_wait: buckets(), duration: buckets() }
    }
}

pub(super) struct Pool {
    pub(super) permits: Arc<Semaphore>,
    pub(super) metrics: HashMetrics,
    concurrency: usize,
    queue_timeout: Duration,
    /// Dropping the sender (with the pool, when the last `PasswordHasher` clone goes) ends every
    /// worker once its current job is done.
    jobs: mpsc::Sender<Job>,
    _workers: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `concurrency` threads, each with `blocks` argon2 blocks of memory.
    pub(super) fn start(concurrency: usize, blocks: usize, queue_timeout: Duration) -> Result<Self, HashError> {
        if concurrency == 0 {
            return Err(HashError::Failed("the hashing pool needs at least one thread".to_owned()));
        }
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..concurrency)
            .map(|n| {
                let queue = Arc::clone(&queue);
                std::thread::Builder::new()
                    .name(format!("argon2-{n}"))
                    .spawn(move || work(&queue, blocks))
                    .map_err(|e| HashError::Failed(format!("cannot start a hashing thread: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency)),
            metrics: HashMetrics::default(),
            concurrency,
            queue_timeout,
            jobs,
            _workers: workers,
        })
    }

    /// Hashes admitted and not yet done: the permits taken.
    pub(super) fn in_flight(&self) -> usize {
        self.concurrency - self.permits.available_permits()
    }

    /// Runs `work` on a worker once one is free, or answers `Busy` after the queue timeout.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let asked = std::time::Instant::now();
        let permit = tokio::time::timeout(self.queue_timeout, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        self.metrics.queue_wait.observe(asked.elapsed().as_secs_f64());
        let duration = self.metrics.duration.clone();
        let (reply, answer) = oneshot::channel();
        self.queue(Box::new(move |memory| {
            if reply.is_closed() {
                return; // Its caller has gone: nobody needs the work done.
            }
            let started = std::time::Instant::now();
            let result = work(memory);
            duration.observe(started.elapsed().as_secs_f64());
            drop(permit); // Free before the caller hears back, so its next request finds room.
            let _ = reply.send(result);
        }))?;
        answer.await.map_err(|_| job_panicked())
    }

    /// Runs `work` now and waits for it on this thread: for the pool's own set-up, before anyone
    /// else can queue, so it never waits for a permit.
    pub(super) fn run_now<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = Arc::clone(&self.permits).try_acquire_owned().map_err(|_| HashError::Busy)?;
        let (reply, answer) = mpsc::sync_channel(1);
        self.queue(Box::new(move |memory| {
            let result = work(memory);
            drop(permit);
            let _ = reply.send(result);
        }))?;
        answer.recv().map_err(|_| job_panicked())
    }

    /// A job owns its permit: if it panics, unwinding returns the permit with it.
    fn queue(&self, job: Job) -> Result<(), HashError> {
        self.jobs.send(job).map_err(|_| HashError::Failed("the hashing pool has stopped".to_owned()))
    }
}

fn job_panicked() -> HashError {
    HashError::Failed("a password hashing job panicked".to_owned())
}

/// A worker: one block of memory, allocated once, lent to every job it takes from the queue.
fn work(queue: &Mutex<mpsc::Receiver<Job>>, blocks: usize) {
    let mut memory = Vec::with_capacity(blocks);
    ask_for_huge_pages(&mut memory);
    memory.resize(blocks, Block::default());
    loop {
        // The lock is held only while waiting for the next job, never while working.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return; // The pool is gone.
        };
        // A job that panics drops its reply channel unanswered, so its caller gets `Failed`, and
        // this thread lives on. Unwind safety of the memory: argon2 writes every block it uses
        // before reading it, so whatever a broken job left there cannot change a later result.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
    }
}

/// Asks Linux to back `memory`'s allocation with 2 MiB pages (transparent huge pages, which
/// many systems, this one included, give only on request), before its first use. argon2 reads
/// its memory at random, so with 4 KiB pages most reads also miss the TLB: on this machine, two
/// threads hash 5–8 % more per second with the advice. It is only advice: where the kernel has no
/// huge page to give, or says no, the memory works as before.
#[cfg(target_os = "linux")]
#[allow(unsafe_code, reason = "two system calls, each with its SAFETY comment")]
fn ask_for_huge_pages(memory: &mut Vec<Block>) {
    // SAFETY: sysconf only reads a system setting.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
    let start = memory.as_mut_ptr() as usize;
    let end = start + memory.capacity() * std::mem::size_of::<Block>();
    let (first_page, end_page) = (start.next_multiple_of(page), end - end % page);
    if first_page < end_page {
        // SAFETY: the range lies inside an allocation this thread owns and nothing else can
        // touch yet; the advice changes which pages back it, never what it holds. The answer
        // is ignored: refused advice leaves ordinary pages.
        unsafe { libc::madvise(first_page as *mut libc::c_void, end_page - first_page, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
fn ask_for_huge_pages(_memory: &mut Vec<Block>) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_the_queue_ends_every_worker() {
        let Pool { jobs, _workers: workers, .. } = Pool::start(2, 8, Duration::from_secs(5)).unwrap();
        drop(jobs);
        for worker in workers {
            worker.join().expect("a worker ends quietly once the queue is closed");
        }
    }

    #[test]
    fn every_worker_lends_its_jobs_the_memory_it_was_given() {
        let pool = Pool::start(1, 8, Duration::from_secs(5)).unwrap();
        assert_eq!(pool.run_now(|memory| memory.len()).unwrap(), 8);
    }
}
