//! A working copy of a YAML file that an edit mutates before it is accepted.
//!
//! Edits run against a snapshot so that a failed edit (bad shape, invalid result) leaves the
//! caller's document untouched. Some steps are easier on the text than on the tree (cutting the
//! comment lines above a removed entry, turning `- x` into `- x: dev` without moving its inline
//! comment); those re-parse the working copy, which invalidates node handles taken earlier.
//! That is why the removal helpers take a *locator* closure and look their target up again.

use std::ops::Range;
use std::str::FromStr;

use yaml_edit::{Mapping, Sequence, YamlFile};

use crate::ManifestEditError;
use crate::comments::leading_comment_block;

/// Finds a mapping in a freshly parsed tree, starting from the root mapping.
pub(crate) type MapLocator<'a> = &'a dyn Fn(&Mapping) -> Result<Option<Mapping>, ManifestEditError>;
/// Finds a sequence in a freshly parsed tree, starting from the root mapping.
pub(crate) type SeqLocator<'a> =
    &'a dyn Fn(&Mapping) -> Result<Option<Sequence>, ManifestEditError>;

/// The mutable working copy.
pub(crate) struct Draft {
    file: YamlFile,
}

/// Parses `text` as a one-document YAML file whose root is a mapping (empty text gives an
/// empty mapping).
pub(crate) fn parse_file(text: &str) -> Result<YamlFile, ManifestEditError> {
    let file = YamlFile::from_str(text).map_err(|e| ManifestEditError::Parse(e.to_string()))?;
    if file.documents().count() > 1 {
        return Err(ManifestEditError::Parse(
            "the file holds several YAML documents; expected one".to_string(),
        ));
    }
    let doc = file.ensure_document();
    if doc.as_mapping().is_none() {
        return Err(crate::nodes::shape("(top level)", "a mapping"));
    }
    Ok(file)
}

impl Draft {
    /// A working copy independent of `file`.
    pub(crate) fn of(file: &YamlFile) -> Self {
        Self {
            file: file.snapshot(),
        }
    }

    /// The edited file.
    pub(crate) fn into_file(self) -> YamlFile {
        self.file
    }

    /// The current text.
    pub(crate) fn text(&self) -> String {
        with_final_newline(self.file.to_string())
    }

    /// The root mapping of the current tree.
    pub(crate) fn root(&self) -> Result<Mapping, ManifestEditError> {
        self.file
            .document()
            .and_then(|d| d.as_mapping())
            .ok_or_else(|| crate::nodes::shape("(top level)", "a mapping"))
    }

    /// Replaces `range` of the text with `with` and re-parses.
    pub(crate) fn splice(
        &mut self,
        range: Range<usize>,
        with: &str,
    ) -> Result<(), ManifestEditError> {
        let mut text = self.text();
        if text.get(range.clone()).is_none() {
            return Err(ManifestEditError::Invalid(
                "edit position outside the text".to_string(),
            ));
        }
        text.replace_range(range, with);
        self.file = parse_file(&text)?;
        Ok(())
    }

    /// Cuts the comment lines directly above the entry starting at `offset`.
    fn strip_leading_comments(&mut self, offset: usize) -> Result<(), ManifestEditError> {
        let text = self.text();
        if let Some(range) = leading_comment_block(&text, offset) {
            self.splice(range, "")?;
        }
        Ok(())
    }

    /// Removes `key` (and the comment lines above it) from the mapping `locate` finds.
    ///
    /// `Ok(false)` when the mapping or the key is absent.
    pub(crate) fn remove_key(
        &mut self,
        locate: MapLocator<'_>,
        key: &str,
    ) -> Result<bool, ManifestEditError> {
        let root = self.root()?;
        let Some(map) = locate(&root)? else {
            return Ok(false);
        };
        let Some(entry) = map.find_entry_by_key(key) else {
            return Ok(false);
        };
        if let Some(k) = entry.key_node() {
            self.strip_leading_comments(k.byte_range().start as usize)?;
        }
        let root = self.root()?;
        let map = locate(&root)?.ok_or_else(lost)?;
        Ok(map.remove(key).is_some())
    }

    /// Removes item `index` (and the comment lines above it) from the sequence `locate` finds.
    pub(crate) fn remove_item(
        &mut self,
        locate: SeqLocator<'_>,
        index: usize,
    ) -> Result<bool, ManifestEditError> {
        let root = self.root()?;
        let Some(seq) = locate(&root)? else {
            return Ok(false);
        };
        let Some(item) = seq.get(index) else {
            return Ok(false);
        };
        self.strip_leading_comments(item.byte_range().start as usize)?;
        let root = self.root()?;
        let seq = locate(&root)?.ok_or_else(lost)?;
        Ok(seq.remove(index).is_some())
    }
}

fn lost() -> ManifestEditError {
    ManifestEditError::Invalid("the entry moved while cutting its comments".to_string())
}

/// `text` ending with a newline: removing the last entry of a block leaves `key: {}` with
/// none, and a text file (and `git diff`) wants one.
pub(crate) fn with_final_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
