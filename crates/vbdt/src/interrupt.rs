//! Ctrl-C (SIGINT), SIGTERM and SIGHUP (the ctrlc crate's "termination" signals) during a
//! batch: the first one asks the batch to stop starting new files (the files being signed
//! are finished and their temporary files renamed or removed as usual); a second one ends
//! the process at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

static REQUESTED: AtomicBool = AtomicBool::new(false);
static SIGNALS: AtomicUsize = AtomicUsize::new(0);
static INSTALL: Once = Once::new();

/// Installs the handler (once per process). Called when a batch starts, after the key is
/// open: until then Ctrl-C ends the process as usual (nothing has been written yet, and a
/// PIN prompt must stay interruptible).
pub fn install(vi: bool) {
    INSTALL.call_once(|| {
        let handler = move || {
            REQUESTED.store(true, Ordering::SeqCst);
            if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
                if vi {
                    eprintln!("\nvbdt: đã nhận lệnh dừng; chờ các tệp đang ký xong (nhấn Ctrl-C lần nữa để thoát ngay)…");
                } else {
                    eprintln!("\nvbdt: stopping; finishing the files being signed (press Ctrl-C again to quit at once)…");
                }
            } else {
                // The user insists: the files being signed may leave their temporary files.
                std::process::exit(i32::from(crate::exit::code(crate::exit::INTERRUPTED)));
            }
        };
        if let Err(e) = ctrlc::set_handler(handler) {
            // Without the handler Ctrl-C still stops the process, only not cleanly.
            if vi {
                eprintln!("vbdt: không cài được xử lý Ctrl-C; Ctrl-C vẫn dừng chương trình nhưng có thể để lại tệp tạm ({e})");
            } else {
                eprintln!("vbdt: cannot handle Ctrl-C cleanly; Ctrl-C still stops the program but may leave temporary files ({e})");
            }
        }
    });
}

/// Whether Ctrl-C or SIGTERM has been received since [`install`].
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Says how far an interrupted batch of `total` files got (`finished` of them were tried,
/// `failed` of those failed), and how to finish it; said even with `--quiet`, since the
/// batch is not complete. `sign`, `copy`, `attach` and `ltv` alike.
pub fn say_stopped(cmd: &str, finished: usize, failed: usize, total: usize, vi: bool) {
    let done = finished - failed;
    let left = total - finished;
    if vi {
        eprintln!("vbdt {cmd}: đã dừng: xong {done}/{total} tệp, {failed} tệp lỗi, {left} tệp chưa làm; chạy lại cùng lệnh với --skip-existing để làm tiếp.");
    } else {
        eprintln!("vbdt {cmd}: interrupted: done {done} of {total} files, {failed} failed, {left} not started; run the same command with --skip-existing to finish.");
    }
}
