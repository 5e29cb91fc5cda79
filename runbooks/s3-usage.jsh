// Check S3 Usage: objects and bytes in the file bucket.
// By default from S3's daily storage metrics in CloudWatch (two calls, however many objects; every version counted,
// as of the last daily datapoint). With --param exact=true every version is listed now (one call per 1,000 versions),
// with the current/noncurrent split: the two totals of `aws s3 ls --summarize` and what the versions add.
// Plan it first (it only reads):  ops plan s3-usage
runbook("s3-usage", "Check S3 Usage")
    .section("File Storage")
    .param(bool("exact").defaultValue(false)
        .description("List every version now for exact current and noncurrent counts (one call per 1,000 versions) instead of the daily metrics"))
    .check("Check S3 usage",
        "aws cloudwatch get-metric-statistics --namespace AWS/S3 --metric-name BucketSizeBytes --dimensions Name=BucketName,Value=${s3.bucket} Name=StorageType,Value=StandardStorage --start-time $(date -u -d '-3 day' +%FT00:00:00Z) --end-time $(date -u +%FT%TZ) --period 86400 --statistics Average",
        () -> param("exact") ? bucket().exactUsage() : bucket().usage())
    .command("aws cloudwatch get-metric-statistics --namespace AWS/S3 --metric-name NumberOfObjects --dimensions Name=BucketName,Value=${s3.bucket} Name=StorageType,Value=AllStorageTypes --start-time $(date -u -d '-3 day' +%FT00:00:00Z) --end-time $(date -u +%FT%TZ) --period 86400 --statistics Average",
        "aws s3 ls s3://${s3.bucket} --recursive --summarize | tail -2   # exact=true: current versions, listed");
