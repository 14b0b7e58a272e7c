//! Deleting instances and state trees.
//!
//! The whole tree is built and checked before anything is removed: an instance with
//! clients connected (counted from `pg_stat_activity`) blocks unless `force`; a state
//! with instances or child states blocks unless `recurse`; anything above a blocked node
//! is blocked by it. A dry run only reports. Deletion runs under the build lock, so it
//! never removes a state a prepare is building on or cloning from.

use std::sync::PoisonError;

use infra_process::Interrupt;
use sqlrs_schema::{
    BlockReason, DeleteNode, DeleteOutcome, DeleteResult, InstanceId, NodeKind, StateId,
};
use sqlrs_store::{InstanceRow, StoreError};

use crate::Engine;

/// What a delete may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteOptions {
    /// Delete what depends on a state too.
    pub recurse: bool,
    /// Ignore connected clients.
    pub force: bool,
    /// Only report.
    pub dry_run: bool,
}

impl Engine {
    /// Clients connected to an instance now (none when its server is down).
    pub(crate) fn connections(&self, row: &InstanceRow) -> u64 {
        let Some(port) = row.port else { return 0 };
        if !self.runtime.ready(port) {
            return 0;
        }
        self.runtime
            .connections(port, &Interrupt::none())
            .map(u64::from)
            .unwrap_or(0)
    }

    /// The node of one instance, blocked when clients are connected and not `force`.
    fn instance_node(&self, row: &InstanceRow, force: bool) -> DeleteNode {
        let connections = self.connections(row);
        DeleteNode {
            kind: NodeKind::Instance,
            id: row.instance_id.to_string(),
            connections: Some(connections),
            blocked: (connections > 0 && !force).then_some(BlockReason::ActiveConnections),
            runtime_id: row.runtime_id.clone(),
            children: Vec::new(),
        }
    }

    /// The instances of `state`, with their rows.
    fn instances_of(&self, state: &StateId) -> Result<Vec<InstanceRow>, StoreError> {
        let mut rows = Vec::new();
        for entry in self.store.instances()? {
            if &entry.state_id == state
                && let Some((_, row)) = self.store.instance(&entry.instance_id)?
            {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// The tree under `state`: its instances, then its child states (recursively when
    /// `recurse`; otherwise any dependant blocks it).
    fn state_node(&self, state: &StateId, opts: DeleteOptions) -> Result<DeleteNode, StoreError> {
        let mut children = Vec::new();
        for row in self.instances_of(state)? {
            children.push(self.instance_node(&row, opts.force));
        }
        for child in self.store.children(state)? {
            children.push(if opts.recurse {
                self.state_node(&child, opts)?
            } else {
                leaf(NodeKind::State, child.as_str())
            });
        }
        let blocked = if !opts.recurse && !children.is_empty() {
            Some(BlockReason::HasDescendants)
        } else if children.iter().any(|c| c.blocked.is_some()) {
            Some(BlockReason::BlockedByDescendant)
        } else {
            None
        };
        Ok(DeleteNode {
            blocked,
            children,
            ..leaf(NodeKind::State, state.as_str())
        })
    }

    /// Deletes instance `id` (or says why not); `None` when there is no such instance.
    pub fn delete_instance(
        &self,
        id: &InstanceId,
        opts: DeleteOptions,
    ) -> Result<Option<DeleteResult>, StoreError> {
        let _guard = self
            .build_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some((_, row)) = self.store.instance(id)? else {
            return Ok(None);
        };
        let root = self.instance_node(&row, opts.force);
        self.finish_delete(root, opts).map(Some)
    }

    /// Deletes state `id` (and, with `recurse`, everything built on it).
    pub fn delete_state(
        &self,
        id: &StateId,
        opts: DeleteOptions,
    ) -> Result<Option<DeleteResult>, StoreError> {
        // A state a running job builds on is refused at once rather than waited for (the
        // wait would end with the job's new instance deleted under its user).
        if self.job_using(id.as_str()).is_some() && self.store.state(id)?.is_some() {
            return Ok(Some(DeleteResult {
                dry_run: opts.dry_run,
                outcome: DeleteOutcome::Blocked,
                root: DeleteNode {
                    blocked: Some(BlockReason::ActiveTasks),
                    ..leaf(NodeKind::State, id.as_str())
                },
            }));
        }
        let _guard = self
            .build_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.store.state(id)?.is_none() {
            return Ok(None);
        }
        let root = self.state_node(id, opts)?;
        self.finish_delete(root, opts).map(Some)
    }

    /// Reports `root`, or removes it bottom-up when nothing blocks and it is no dry run.
    fn finish_delete(
        &self,
        root: DeleteNode,
        opts: DeleteOptions,
    ) -> Result<DeleteResult, StoreError> {
        let outcome = match (root.blocked.is_some(), opts.dry_run) {
            (true, _) => DeleteOutcome::Blocked,
            (false, true) => DeleteOutcome::WouldDelete,
            (false, false) => {
                self.remove_node(&root)?;
                self.notify();
                DeleteOutcome::Deleted
            }
        };
        Ok(DeleteResult {
            dry_run: opts.dry_run,
            outcome,
            root,
        })
    }

    /// Removes `node` after its children: an instance's server and data, a state's
    /// directory, then their records.
    fn remove_node(&self, node: &DeleteNode) -> Result<(), StoreError> {
        for child in &node.children {
            self.remove_node(child)?;
        }
        match node.kind {
            NodeKind::Instance => {
                let Ok(id) = InstanceId::parse(&node.id) else {
                    return Ok(());
                };
                if let Some((_, row)) = self.store.instance(&id)? {
                    let data = std::path::PathBuf::from(&row.data_dir);
                    if data.join("pgdata").join("postmaster.pid").exists() {
                        let _ = self.runtime.stop(&data, &Interrupt::none());
                    }
                    // The record goes first: a directory left by a crash here is
                    // removed by the next start's recovery.
                    self.store.delete_instance(&id)?;
                    let _ = self.backend.remove(&data);
                    if let Some(dir) = data.parent() {
                        let _ = std::fs::remove_dir_all(dir);
                    }
                }
            }
            NodeKind::State => {
                let Ok(id) = StateId::parse(&node.id) else {
                    return Ok(());
                };
                if let Some(entry) = self.store.state(&id)? {
                    let dir = sqlrs_prepare::state_dir(&self.layout, &entry.image_id, id.as_str());
                    self.store.delete_state(&id)?;
                    let _ = self.backend.remove(&dir);
                }
            }
            NodeKind::Job => {}
        }
        Ok(())
    }
}

/// A node with no children, not blocked.
fn leaf(kind: NodeKind, id: &str) -> DeleteNode {
    DeleteNode {
        kind,
        id: id.to_string(),
        connections: None,
        blocked: None,
        runtime_id: None,
        children: Vec::new(),
    }
}
