// Check S3 Usage: objects and bytes in the file bucket (current versions), the two totals of `aws s3 ls --summarize`.
// Plan it first (it only reads):  ops plan s3-usage
runbook("s3-usage", "Check S3 Usage")
    .section("File Storage")
    .check("Check S3 usage",
        "aws s3 ls s3://${s3.bucket} --recursive --summarize | tail -2",
        () -> bucket().usage());
