// Restore Deleted File: brings back an attachment's newest version from under its delete marker (or the version you name).
// Plan it first (lists the versions, restores nothing):  ops plan restore-deleted-file --param file=ID [--param version=VERSION_ID]
runbook("restore-deleted-file", "Restore Deleted File")
    .section("File Storage")
    .param(fileId("file").description("The file id: the attachment's key is attachments/<file>/<name>"))
    .param(versionId("version").optional().description("The version to restore; default: the newest version under the delete marker"))
    .check("List versions",
        "aws s3api list-object-versions --bucket ${s3.bucket} --prefix \"attachments/${file}/\"",
        () -> {
            String file = param("file");
            ObjectVersions versions = bucket().versions("attachments/" + file + "/");
            if (versions.size() == 0) {
                throw OpsException.builder("No attachment with id " + file + " in s3://" + bucket().name() + ", deleted or not")
                    .service("s3").resource("attachments/" + file + "/")
                    .hint("check the id; versions are kept as long as the bucket's lifecycle rules allow").notFound();
            }
            return versions;
        })
    .action("Restore specific version", Bucket.RESTORE_VERSION,
        () -> {
            ObjectVersions versions = result("List versions");
            String version = param("version");
            if (version != null) {
                List<String> keys = versions.versions().stream().filter(v -> v.versionId().equals(version))
                    .map(ObjectVersion::key).distinct().toList();
                if (keys.size() != 1) {
                    throw OpsException.builder("No version " + version + " under " + versions.prefix())
                        .service("s3").resource("s3://" + versions.bucket() + "/" + versions.prefix())
                        .hint("pick one of the VERSION column above").invalidInput();
                }
                // replacing a live version is destructive (confirmed); undoing a deletion is not
                return bucket().restore(keys.get(0), version);
            }
            List<String> deleted = versions.deletedKeys();
            if (deleted.size() != 1) {
                throw OpsException.builder(deleted.isEmpty()
                        ? "Nothing under " + versions.prefix() + " is deleted"
                        : deleted.size() + " files under " + versions.prefix() + " are deleted: " + String.join(", ", deleted))
                    .service("s3").resource("s3://" + versions.bucket() + "/" + versions.prefix())
                    .hint("name the version to restore: --param version=VERSION_ID (see the list above)").invalidInput();
            }
            return bucket().restoreDeleted(deleted.get(0));
        })
    .verify("The file is served again with the restored content", () -> {
            // while any file of the attachment is deleted (a delete marker on top), it is not served
            String file = param("file");
            if (!bucket().versions("attachments/" + file + "/").deletedKeys().isEmpty()) return false;
            ObjectRestore restored = result("Restore specific version");
            if (restored == null) return false;
            List<ObjectVersion> now = bucket().versions(restored.key()).forKey(restored.key());
            return !now.isEmpty() && !now.get(0).deleteMarker() && now.get(0).versionId().equals(restored.newVersionId())
                && restored.verified();
        })
    .command("aws s3api list-object-versions --bucket ${s3.bucket} --prefix attachments/${file}/ --max-items 1");
