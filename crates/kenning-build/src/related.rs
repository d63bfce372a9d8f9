//! Related concepts: the top ten of every concept (`kenning-graph`, on
//! all threads), computed in blocks and written in order as blocks finish.

use crossbeam_channel::bounded;
use kenning_store::GenerationWriter;

use crate::BuildError;

/// Computes the top related concepts of every concept on `threads`
/// threads and writes them with their scores, in blocks written in order
/// as they are done (memory: a few blocks, not every concept's answer).
pub(crate) fn write_related(
    generation: &GenerationWriter,
    threads: usize,
) -> Result<(), BuildError> {
    let out = generation.read_out_links()?;
    let inn = generation.read_in_links()?;
    let n = out.len();
    let blocks = n.div_ceil(RELATED_BLOCK);
    let threads = threads.clamp(1, blocks.max(1));
    let mut related = generation.related()?;
    let logs = kenning_graph::DegreeLogs::new(&out, &inn);
    let (job_tx, job_rx) = bounded::<usize>(threads);
    let (row_tx, row_rx) = bounded::<(usize, Vec<Vec<kenning_graph::Related>>)>(threads);
    let written = std::thread::scope(|scope| -> Result<usize, BuildError> {
        scope.spawn(move || {
            for block in 0..blocks {
                if job_tx.send(block).is_err() {
                    return;
                }
            }
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (out, inn, logs) = (&out, &inn, &logs);
                let (job_rx, row_tx) = (job_rx.clone(), row_tx.clone());
                scope.spawn(move || {
                    let mut finder = kenning_graph::RelatedFinder::new(
                        out,
                        inn,
                        logs,
                        kenning_graph::RelatedWeights::default(),
                    );
                    for block in job_rx {
                        let range = block * RELATED_BLOCK..((block + 1) * RELATED_BLOCK).min(n);
                        let rows = range
                            .map(|a| finder.top_k(a as u32, RELATED_PER_CONCEPT))
                            .collect();
                        if row_tx.send((block, rows)).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop((job_rx, row_tx));
        // Blocks arrive out of order by at most the blocks in flight.
        let mut waiting = std::collections::BTreeMap::new();
        let mut written = 0;
        let mut next = 0;
        let mut result = Ok(());
        for (block, rows) in row_rx.iter() {
            waiting.insert(block, rows);
            while let Some(rows) = waiting.remove(&next) {
                for row in rows {
                    result = result.and_then(|()| related.push_row(&row).map_err(BuildError::from));
                    written += 1;
                }
                next += 1;
            }
            if result.is_err() {
                break;
            }
        }
        // Unblocks the workers (their sends fail) before they are joined.
        drop(row_rx);
        for w in workers {
            // A panicked worker shows as a short count below.
            let _ = w.join();
        }
        result.map(|()| written)
    })?;
    if written != n {
        return Err(BuildError::Internal(
            "a related-concepts thread panicked".into(),
        ));
    }
    related.finish()?;
    Ok(())
}

/// Concepts per unit of work when finding related concepts.
const RELATED_BLOCK: usize = 2048;

/// Related concepts stored per concept.
const RELATED_PER_CONCEPT: usize = 10;
