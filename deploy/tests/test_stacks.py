"""The stacks built in order on moto's CloudFormation, and what moto cannot build read from the templates."""

import json
import re

import pytest

from conftest import AWS_REGION
from deploy import ops
from lambda_indexer import build_zip

from .conftest import DEPLOY, STACK_ORDER, for_moto

pytestmark = pytest.mark.deploy

DOMAIN = "blog.example.com"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}


def resources_of(template, resource_type):
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def lambda_zip(tmp_path_factory):
    return build_zip.build(tmp_path_factory.mktemp("dist") / "lambda_indexer.zip").read_bytes()


def cloudfront_prefix_list(aws_client):
    lists = aws_client("ec2").describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [ops.CLOUDFRONT_PREFIX_LIST]}]
    )["PrefixLists"]
    return lists[0]["PrefixListId"]


@pytest.fixture(scope="module")
def stacks(aws_client, templates, tmp_path_factory):
    """Creates every stack on moto in dependency order; returns {layer: {output: value}}."""
    cloudformation = aws_client("cloudformation")
    image_id = aws_client("ec2").describe_images()["Images"][0]["ImageId"]
    certificate = aws_client("acm").request_certificate(DomainName=DOMAIN)["CertificateArn"]
    zone_id = (
        aws_client("route53")
        .create_hosted_zone(Name="example.com.", CallerReference="cblog-test")["HostedZone"]["Id"]
        .split("/")[-1]
    )

    names = {layer: f"cblog-{layer}" for layer in STACK_ORDER}
    parents = {f"Parent{layer.capitalize()}Stack": name for layer, name in names.items()}
    parameters = {
        "artifacts": {},
        "network": {},
        "security": {"ParentNetworkStack"},
        "data": {"ParentNetworkStack", "ParentSecurityStack", "ParentArtifactsStack"},
        "app": {"ParentNetworkStack", "ParentSecurityStack", "ParentDataStack"}
        | {"ParentArtifactsStack"},
        "edge": {"ParentDataStack", "ParentAppStack"},
        "monitoring": set(),
    }
    extra = {
        "data": {
            "IndexerCodeKey": "lambda/lambda_indexer.zip",
            "DatabaseUserCodeKey": "lambda/database_user.zip",
        },
        "app": {
            "DomainName": DOMAIN,
            "CertificateArn": certificate,
            "ReleaseKey": "releases/cblog-test.tar.gz",
            "ImageId": image_id,
        },
        "edge": {
            "DomainName": DOMAIN,
            "HostedZoneId": zone_id,
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/global",
        },
    }
    extra["security"] = {"CloudFrontPrefixListId": cloudfront_prefix_list(aws_client)}
    outputs = {}
    for layer in STACK_ORDER:
        if layer == "monitoring":
            edge = outputs["edge"]
            extra[layer] = {key: edge[key] for key in ("DistributionId", "HealthCheckId")}
        values = {name: parents[name] for name in parameters[layer]} | extra.get(layer, {})
        cloudformation.create_stack(
            StackName=names[layer],
            TemplateBody=for_moto(templates[layer]),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
        stack = cloudformation.describe_stacks(StackName=names[layer])["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        outputs[layer] = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if layer == "artifacts":
            for key in ("lambda/lambda_indexer.zip", "lambda/database_user.zip"):
                aws_client("s3").put_object(
                    Bucket=outputs[layer]["ArtifactBucket"],
                    Key=key,
                    Body=lambda_zip(tmp_path_factory),
                )
    outputs["zone_id"] = zone_id
    return outputs


def test_every_layer_exports_its_outputs_under_the_stack_name(stacks, aws_client):
    exported = {e["Name"] for e in aws_client("cloudformation").list_exports()["Exports"]}
    assert {"cblog-network-VpcId", "cblog-data-MediaBucket", "cblog-app-LoadBalancerDnsName"} <= (
        exported
    )


def test_network_has_a_vpc_with_public_and_private_subnets_in_two_zones(stacks, aws_client):
    ec2 = aws_client("ec2")
    vpc_id = stacks["network"]["VpcId"]
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == "10.10.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    public = set(stacks["network"]["PublicSubnets"].split(","))
    private = set(stacks["network"]["PrivateSubnets"].split(","))
    zones = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
    assert len({zones[s] for s in public}) == 2
    assert len({zones[s] for s in private}) == 2
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets)


def test_private_subnets_reach_the_internet_through_one_nat_gateway_per_zone(stacks, aws_client):
    ec2 = aws_client("ec2")
    tables = stacks["network"]["PrivateRouteTables"].split(",")
    nat_gateways = set()
    for table in ec2.describe_route_tables(RouteTableIds=tables)["RouteTables"]:
        default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert len(default) == 1 and default[0].get("NatGatewayId")
        nat_gateways.add(default[0]["NatGatewayId"])
    assert len(nat_gateways) == 2


def test_one_public_route_table_sends_the_internet_to_the_gateway(stacks, aws_client):
    tables = aws_client("ec2").describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [stacks["network"]["VpcId"]]}]
    )["RouteTables"]
    to_gateway = [
        t
        for t in tables
        for r in t["Routes"]
        if r.get("DestinationCidrBlock") == "0.0.0.0/0"
        and r.get("GatewayId", "").startswith("igw-")
    ]
    assert len(to_gateway) == 1


def test_single_nat_gateway_parameter_drops_the_second_gateway(templates):
    template = templates["network"]
    assert template["Resources"]["NatGatewayB"]["Condition"] == "HasNatGatewayB"
    route = template["Resources"]["PrivateRouteB"]["Properties"]["NatGatewayId"]
    assert route == {"Fn::If": ["HasNatGatewayB", {"Ref": "NatGatewayB"}, {"Ref": "NatGatewayA"}]}


def test_s3_and_dynamodb_gateway_endpoints_serve_the_private_route_tables(stacks, aws_client):
    endpoints = aws_client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [stacks["network"]["VpcId"]]}]
    )["VpcEndpoints"]
    services = {e["ServiceName"].rsplit(".", 1)[-1]: e for e in endpoints}
    assert {"s3", "dynamodb"} <= services.keys()
    private = set(stacks["network"]["PrivateRouteTables"].split(","))
    assert set(services["s3"]["RouteTableIds"]) == private


def test_vpc_flow_logs_are_on(stacks, aws_client):
    logs = aws_client("ec2").describe_flow_logs()["FlowLogs"]
    assert any(f["ResourceId"] == stacks["network"]["VpcId"] for f in logs)


def ingress(aws_client, group_id):
    group = aws_client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return group["IpPermissions"]


def test_load_balancer_admits_only_https_from_cloudfronts_origin_facing_addresses(
    stacks, aws_client, templates
):
    # moto drops prefix-list rules, so it shows only that no address range is open...
    rules = ingress(aws_client, stacks["security"]["LoadBalancerSecurityGroup"])
    assert [r for r in rules if r["IpRanges"] or r.get("Ipv6Ranges")] == []
    # ...and the template says what is: 443 from the list the tool looks up (test_ops.py).
    group = templates["security"]["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    (rule,) = group["SecurityGroupIngress"]
    assert (rule["FromPort"], rule["ToPort"], rule["IpProtocol"]) == (443, 443, "tcp")
    assert rule["SourcePrefixListId"] == {"Ref": "CloudFrontPrefixListId"}
    assert not {"CidrIp", "CidrIpv6"} & set(rule)
    assert cloudfront_prefix_list(aws_client).startswith("pl-")


def test_instances_accept_only_the_app_port_from_the_load_balancer(stacks, aws_client):
    rules = ingress(aws_client, stacks["security"]["InstanceSecurityGroup"])
    assert [(r["FromPort"], r["ToPort"]) for r in rules] == [(8000, 8000)]
    assert rules[0]["IpRanges"] == []
    sources = [p["GroupId"] for p in rules[0]["UserIdGroupPairs"]]
    assert sources == [stacks["security"]["LoadBalancerSecurityGroup"]]


def test_database_accepts_only_mysql_from_the_instances_and_the_user_function(stacks, aws_client):
    rules = ingress(aws_client, stacks["security"]["DatabaseSecurityGroup"])
    assert [(r["FromPort"], r["ToPort"]) for r in rules] == [(3306, 3306)]
    sources = {p["GroupId"] for p in rules[0]["UserIdGroupPairs"]}
    assert sources == {
        stacks["security"]["InstanceSecurityGroup"],
        stacks["security"]["DatabaseUserSecurityGroup"],
    }
    assert rules[0]["IpRanges"] == []


def test_the_app_connects_as_its_own_database_user_never_the_master(templates):
    data, app = templates["data"], templates["app"]
    user = data["Resources"]["AppDatabaseUser"]
    assert user["Type"] == "Custom::DatabaseUser"
    assert user["Properties"]["UserSecretArn"] == {"Ref": "AppUserSecret"}
    assert user["Properties"]["DatabaseName"] == {"Ref": "DBName"}
    assert user["Properties"]["ServiceToken"] == {"Fn::GetAtt": ["DatabaseUserFunction", "Arn"]}
    assert data["Outputs"]["AppDatabaseSecretArn"]["Value"] == {"Ref": "AppUserSecret"}
    # The master secret leaves the data stack only as an unexported output.
    assert "Export" not in data["Outputs"]["DatabaseMasterSecretArn"]
    app_text = json.dumps(app)
    assert "MasterUserSecret" not in app_text
    role = app["Resources"]["InstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    secrets = next(s for s in role["Statement"] if s["Sid"] == "Secrets")["Resource"]
    assert secrets == [
        {"Fn::ImportValue": {"Fn::Sub": "${ParentDataStack}-AppDatabaseSecretArn"}},
        {"Ref": "SecretKey"},
        {"Fn::If": ["HasRedis", {"Ref": "RedisAuthToken"}, {"Ref": "AWS::NoValue"}]},
    ]
    preamble = app["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]
    assert "${ParentDataStack}-AppDatabaseSecretArn" in json.dumps(preamble)
    secret = data["Resources"]["AppUserSecret"]["Properties"]["GenerateSecretString"]
    assert secret["GenerateStringKey"] == "password"
    assert secret["SecretStringTemplate"] == {"Fn::Sub": '{"username": "${DBAppUsername}"}'}


def test_the_user_function_reads_only_the_two_secrets_and_runs_inside_the_vpc(templates):
    resources = templates["data"]["Resources"]
    function = resources["DatabaseUserFunction"]["Properties"]
    assert function["Handler"] == "database_user.lambda_handler"
    assert "PrivateSubnets" in json.dumps(function["VpcConfig"]["SubnetIds"])
    assert "DatabaseUserSecurityGroup" in json.dumps(function["VpcConfig"]["SecurityGroupIds"])
    statements = resources["DatabaseUserRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    (secrets,) = [
        s for s in statements["Statement"] if s["Action"] == "secretsmanager:GetSecretValue"
    ]
    assert secrets["Resource"] == [
        {"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]},
        {"Ref": "AppUserSecret"},
    ]


def test_no_security_group_opens_ssh(templates):
    for name in STACK_ORDER:
        text = json.dumps(templates[name])
        assert '"FromPort": 22' not in text


def test_database_is_private_encrypted_and_backed_up(stacks, aws_client):
    instances = aws_client("rds").describe_db_instances()["DBInstances"]
    database = next(
        d for d in instances if d["Endpoint"]["Address"] == stacks["data"]["DatabaseHost"]
    )
    assert database["Engine"] == "mysql"
    assert database["EngineVersion"].startswith("8.4")
    assert database["PubliclyAccessible"] is False
    assert database["StorageEncrypted"] is True
    assert database["BackupRetentionPeriod"] == 7
    assert database["MultiAZ"] is True


def test_database_password_is_managed_by_rds_and_snapshotted_on_delete(templates):
    database = templates["data"]["Resources"]["Database"]
    assert database["Properties"]["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in database["Properties"]
    assert database["DeletionPolicy"] == database["UpdateReplacePolicy"] == "Snapshot"
    assert not any("Password" in name for name in templates["data"]["Parameters"])


def test_database_deletion_protection_follows_its_parameter(templates):
    # The deploy tool creates with it off, so that a failed first create can roll back.
    data = templates["data"]
    assert data["Resources"]["Database"]["Properties"]["DeletionProtection"] == {
        "Ref": "DeletionProtection"
    }
    assert data["Parameters"]["DeletionProtection"]["Default"] == "true"


def test_media_bucket_is_kept_unless_its_first_create_fails_and_has_no_fixed_name(templates):
    media = templates["data"]["Resources"]["MediaBucket"]
    assert media["DeletionPolicy"] == "RetainExceptOnCreate"
    assert media["UpdateReplacePolicy"] == "Retain"
    assert "BucketName" not in media["Properties"]


def test_media_bucket_is_encrypted(stacks, aws_client):
    encryption = aws_client("s3").get_bucket_encryption(Bucket=stacks["data"]["MediaBucket"])
    rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


# moto's S3 builds only the bucket, its encryption and tags: the rest is read from the template.
def test_media_bucket_blocks_public_access_and_keeps_versions(templates):
    bucket = templates["data"]["Resources"]["MediaBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}


def test_media_bucket_sends_media_events_to_the_queue_the_indexer_reads(templates):
    resources = templates["data"]["Resources"]
    media = resources["MediaBucket"]
    configs = media["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert {c["Event"] for c in configs} == {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}
    for config in configs:
        assert config["Queue"] == {"Fn::GetAtt": ["MediaEventsQueue", "Arn"]}
        assert config["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "media/"}]
    assert "LambdaConfigurations" not in media["Properties"]["NotificationConfiguration"]
    assert media["DependsOn"] == "MediaEventsQueuePolicy"
    trigger = resources["IndexerTrigger"]["Properties"]
    assert trigger["EventSourceArn"] == {"Fn::GetAtt": ["MediaEventsQueue", "Arn"]}
    assert trigger["FunctionName"] == {"Ref": "Indexer"}
    assert trigger["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_only_s3_of_this_account_may_send_to_the_media_queue(templates):
    policy = templates["data"]["Resources"]["MediaEventsQueuePolicy"]["Properties"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }


def test_media_queue_outlasts_the_function_timeout_and_dead_letters_after_retries(templates):
    resources = templates["data"]["Resources"]
    queue = resources["MediaEventsQueue"]["Properties"]
    timeout = resources["Indexer"]["Properties"]["Timeout"]
    assert queue["VisibilityTimeout"] >= 6 * timeout
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["IndexerDeadLetterQueue", "Arn"]
    }
    assert queue["SqsManagedSseEnabled"] is True


def test_media_bucket_policy_allows_only_the_distribution_and_tls(templates):
    statements = templates["edge"]["Resources"]["MediaBucketPolicy"]["Properties"][
        "PolicyDocument"
    ]["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["TlsOnly"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    reader = by_sid["CloudFrontReadsMedia"]
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert reader["Action"] == "s3:GetObject"
    assert "${Distribution}" in json.dumps(reader["Condition"]["StringEquals"]["AWS:SourceArn"])


def test_index_table_is_keyed_by_id_and_billed_on_demand(stacks, aws_client):
    table = aws_client("dynamodb").describe_table(TableName=stacks["data"]["Table"])["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_index_table_has_recovery_and_expires_tombstones_by_the_indexer_attribute(templates):
    table = templates["data"]["Resources"]["Table"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    ttl = table["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}


def test_indexer_runs_the_handler_with_the_table_name_and_a_dead_letter_queue(stacks, aws_client):
    function = aws_client("lambda").get_function(FunctionName=stacks["data"]["IndexerFunction"])
    config = function["Configuration"]
    assert config["Runtime"] == "python3.12"
    assert config["Handler"] == "lambda_indexer.handler.lambda_handler"
    assert config["Environment"]["Variables"] == {"TABLE_NAME": stacks["data"]["Table"]}


def test_failed_indexer_events_go_to_an_encrypted_queue(templates):
    resources = templates["data"]["Resources"]
    assert resources["IndexerDeadLetterQueue"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sqs"


def test_indexer_role_may_only_write_its_table_and_logs(templates):
    policy = templates["data"]["Resources"]["IndexerRole"]["Properties"]["Policies"][0]
    statements = policy["PolicyDocument"]["Statement"]
    actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {
        "dynamodb:PutItem",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    assert all(s["Resource"] != "*" for s in statements)


def test_indexer_errors_raise_an_alarm(templates):
    alarm = templates["data"]["Resources"]["IndexerErrorsAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
    assert alarm["Dimensions"][0]["Value"] == {"Ref": "Indexer"}


def test_group_runs_two_to_four_instances_in_private_subnets_behind_elb_checks(stacks, aws_client):
    groups = aws_client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[stacks["app"]["AutoScalingGroup"]]
    )["AutoScalingGroups"]
    group = groups[0]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == (2, 2, 4)
    assert group["HealthCheckType"] == "ELB"
    assert set(group["VPCZoneIdentifier"].split(",")) == set(
        stacks["network"]["PrivateSubnets"].split(",")
    )
    assert len(group["TargetGroupARNs"]) == 1


def test_group_waits_for_instance_signals_on_create_and_update(templates):
    group = templates["app"]["Resources"]["Group"]
    assert group["CreationPolicy"]["ResourceSignal"]["Count"] == {"Ref": "MinSize"}
    rolling = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["WaitOnResourceSignals"] is True


def test_group_sets_no_capacity_that_an_update_would_reset_under_target_tracking(templates):
    group = templates["app"]["Resources"]["Group"]["Properties"]
    assert "DesiredCapacity" not in group
    assert "DesiredCapacity" not in templates["app"]["Parameters"]


def test_group_scales_on_average_cpu(templates):
    policy = templates["app"]["Resources"]["ScalingPolicy"]["Properties"]
    tracking = policy["TargetTrackingConfiguration"]
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == (
        "ASGAverageCPUUtilization"
    )
    assert templates["app"]["Parameters"]["TargetCpuUtilization"]["Default"] == 70


def test_launch_template_requires_imdsv2_and_encrypts_the_volume(stacks, aws_client):
    ec2 = aws_client("ec2")
    template = ec2.describe_launch_templates(
        Filters=[{"Name": "tag:aws:cloudformation:stack-name", "Values": ["cblog-app"]}]
    )["LaunchTemplates"]
    versions = ec2.describe_launch_template_versions(
        LaunchTemplateId=template[0]["LaunchTemplateId"]
    )["LaunchTemplateVersions"]
    data = versions[0]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    volume = data["BlockDeviceMappings"][0]["Ebs"]
    assert (volume["VolumeType"], volume["Encrypted"]) == ("gp3", True)


def test_load_balancer_listens_only_on_https_with_modern_tls(stacks, aws_client):
    elb = aws_client("elbv2")
    balancers = elb.describe_load_balancers()["LoadBalancers"]
    balancer = next(b for b in balancers if b["DNSName"] == stacks["app"]["LoadBalancerDnsName"])
    assert balancer["Scheme"] == "internet-facing"
    listeners = {
        listener["Port"]: listener
        for listener in elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])[
            "Listeners"
        ]
    }
    assert list(listeners) == [443]
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"


def test_load_balancer_idles_out_before_gunicorn_and_logs_to_the_log_bucket(templates):
    balancer = templates["app"]["Resources"]["LoadBalancer"]["Properties"]
    attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"]}
    assert int(attributes["idle_timeout.timeout_seconds"]) < 75  # gunicorn keepalive
    assert attributes["access_logs.s3.enabled"] == "true"


def test_target_group_checks_healthz_on_the_app_port(stacks, aws_client):
    groups = aws_client("elbv2").describe_target_groups()["TargetGroups"]
    group = next(g for g in groups if g["Port"] == 8000)
    assert group["HealthCheckPath"] == "/healthz/"


def test_instance_role_grants_only_what_the_app_needs(templates):
    role = templates["app"]["Resources"]["InstanceRole"]["Properties"]
    # No managed policy: AmazonSSMManagedInstanceCore reads every parameter of the account.
    assert "ManagedPolicyArns" not in role
    statements = {s["Sid"]: s for s in role["Policies"][0]["PolicyDocument"]["Statement"]}
    channels = statements.pop("SessionManagerChannels")
    assert channels["Resource"] == "*"
    assert all(a.split(":")[0] in {"ssmmessages", "ec2messages"} for a in channels["Action"])
    settings = statements["Settings"]
    assert all("/cblog/${AWS::StackName}" in json.dumps(r) for r in settings["Resource"])
    assert set(statements["MediaObjects"]["Action"]) == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
    }
    assert "/media/*" in json.dumps(statements["MediaObjects"]["Resource"])
    assert statements["MediaListing"]["Condition"] == {"StringLike": {"s3:prefix": ["media/*"]}}
    assert "/releases/*" in json.dumps(statements["Release"]["Resource"])
    text = json.dumps(statements)
    assert '"Resource": "*"' not in text
    assert '"Action": "*"' not in text and "s3:*" not in text


def test_instances_read_their_settings_from_the_stack_path(stacks, aws_client):
    pages = aws_client("ssm").get_paginator("get_parameters_by_path")
    parameters = pages.paginate(Path=stacks["app"]["SettingsPath"]).build_full_result()
    values = {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in parameters["Parameters"]}
    assert values["DJANGO_ALLOWED_HOSTS"] == DOMAIN
    assert values["DJANGO_CSRF_TRUSTED_ORIGINS"] == f"https://{DOMAIN}"
    assert values["SITE_DOMAIN"] == DOMAIN
    assert values["DB_HOST"] == stacks["data"]["DatabaseHost"]
    assert values["AWS_STORAGE_BUCKET_NAME"] == stacks["data"]["MediaBucket"]
    assert values["FORWARDED_ALLOW_IPS"] == "10.10.0.0/16"
    assert values["TRUSTED_PROXY_HOPS"] == "2"


def test_failover_records_point_to_cloudfront_then_the_s3_website(stacks, aws_client):
    records = aws_client("route53").list_resource_record_sets(HostedZoneId=stacks["zone_id"])
    failover = {
        r["Failover"]: r
        for r in records["ResourceRecordSets"]
        if r["Name"].rstrip(".") == DOMAIN and "Failover" in r
    }
    assert failover["PRIMARY"]["AliasTarget"]["HostedZoneId"] == "Z2FDTNDATAQYW2"
    assert failover["PRIMARY"]["HealthCheckId"] == stacks["edge"]["HealthCheckId"]
    assert failover["SECONDARY"]["AliasTarget"] == {
        "HostedZoneId": "Z3AQBSTGFYJSTF",
        "DNSName": "s3-website-us-east-1.amazonaws.com",
        "EvaluateTargetHealth": False,
    }


def test_health_check_probes_cloudfront_serving_the_failover_page(stacks, aws_client, templates):
    check = aws_client("route53").get_health_check(HealthCheckId=stacks["edge"]["HealthCheckId"])
    config = check["HealthCheck"]["HealthCheckConfig"]
    assert config["Type"] == "HTTPS"
    assert config["ResourcePath"] == "/failover/index.html"
    # moto has no CloudFront: the distribution's domain name is read from the template.
    declared = templates["edge"]["Resources"]["HealthCheck"]["Properties"]["HealthCheckConfig"]
    assert declared["FullyQualifiedDomainName"] == {"Fn::GetAtt": ["Distribution", "DomainName"]}
    assert declared["EnableSNI"] is True


def test_failover_bucket_is_named_after_the_domain(stacks):
    assert stacks["edge"]["FailoverBucket"] == DOMAIN


def test_failover_bucket_serves_index_html_as_a_website(templates):
    bucket = templates["edge"]["Resources"]["FailoverBucket"]["Properties"]
    assert bucket["BucketName"] == {"Ref": "DomainName"}
    assert bucket["WebsiteConfiguration"]["IndexDocument"] == "index.html"


def test_distribution_sends_pages_to_the_load_balancer_over_https(templates):
    config = templates["edge"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["app"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    default = config["DefaultCacheBehavior"]
    assert set(default["AllowedMethods"]) == ALL_METHODS
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    policies = templates["edge"]["Mappings"]["ManagedPolicies"]
    assert default["CachePolicyId"] == {"Ref": "PageCachePolicy"}  # test_edge_cache.py
    assert policies["OriginRequest"]["AllViewer"] == "216adef6-5c7f-47e4-b989-5492eafa07d3"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"


def test_distribution_caches_static_from_the_app_and_media_from_the_bucket(templates):
    config = templates["edge"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert behaviors["/static/*"]["TargetOriginId"] == "app"
    assert behaviors["/media/*"]["TargetOriginId"] == "media"
    media = next(o for o in config["Origins"] if o["Id"] == "media")
    assert media["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}


def distribution_config(templates):
    return templates["edge"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]


def test_distribution_reads_the_failover_bucket_through_its_rest_endpoint_and_oac(templates):
    config = distribution_config(templates)
    origins = {o["Id"]: o for o in config["Origins"]}
    failover = origins["failover"]
    assert failover["DomainName"] == {"Fn::GetAtt": ["FailoverBucket", "RegionalDomainName"]}
    assert failover["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
    assert failover["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert "CustomOriginConfig" not in failover  # the website endpoint has no HTTPS
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    behavior = behaviors["/failover/*"]
    assert behavior["TargetOriginId"] == "failover"
    assert set(behavior["AllowedMethods"]) == set(behavior["CachedMethods"]) == {"GET", "HEAD"}
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    optimized = {"Fn::FindInMap": ["ManagedPolicies", "Cache", "Optimized"]}
    assert behavior["CachePolicyId"] == optimized
    assert templates["edge"]["Mappings"]["ManagedPolicies"]["Cache"]["Optimized"] == (
        "658327ea-f89d-4fab-a63d-7e88639e58f6"
    )


def test_one_origin_access_control_signs_every_s3_origin(templates):
    controls = resources_of(templates["edge"], "AWS::CloudFront::OriginAccessControl")
    assert list(controls) == ["OriginAccessControl"]
    control = controls["OriginAccessControl"]["OriginAccessControlConfig"]
    assert control["OriginAccessControlOriginType"] == "s3"
    assert (control["SigningBehavior"], control["SigningProtocol"]) == ("always", "sigv4")
    s3_origins = [o for o in distribution_config(templates)["Origins"] if "S3OriginConfig" in o]
    assert {o["Id"] for o in s3_origins} == {"media", "failover"}
    for origin in s3_origins:
        assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}


def test_server_errors_get_the_failover_page_with_their_own_status(templates):
    config = distribution_config(templates)
    responses = {r["ErrorCode"]: r for r in config["CustomErrorResponses"]}
    # 404 stays the app's own page.
    assert set(responses) == {500, 502, 503, 504}
    behaviors = {b["PathPattern"]: b["TargetOriginId"] for b in config["CacheBehaviors"]}
    for code, response in responses.items():
        assert response["ResponseCode"] == code
        assert response["ResponsePagePath"] == "/failover/index.html"
        assert 0 < response["ErrorCachingMinTTL"] <= 10
    # The page path must route to the bucket (the failing origin cannot serve it) and exist.
    assert behaviors["/failover/*"] == "failover"
    assert (DEPLOY / "failover" / "index.html").is_file()


def test_failover_bucket_policy_lets_the_distribution_read_failover_and_anyone_read_the_site(
    templates,
):
    statements = templates["edge"]["Resources"]["FailoverBucketPolicy"]["Properties"][
        "PolicyDocument"
    ]["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    reader = by_sid["CloudFrontReadsFailover"]
    assert reader["Effect"] == "Allow"
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert reader["Action"] == "s3:GetObject"
    assert reader["Resource"] == {"Fn::Sub": "${FailoverBucket.Arn}/failover/*"}
    source = reader["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert source == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"
    }
    public = by_sid["PublicRead"]
    assert (public["Principal"], public["Action"]) == ("*", "s3:GetObject")
    assert public["Resource"] == {"Fn::Sub": "${FailoverBucket.Arn}/*"}


def test_optional_redis_is_off_by_default_and_every_part_of_it_follows_the_condition(templates):
    app = templates["app"]
    assert app["Parameters"]["RedisNodeType"]["Default"] == ""
    assert app["Conditions"]["HasRedis"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "RedisNodeType"}, ""]}]
    }
    parts = [name for name in app["Resources"] if name.startswith("Redis")]
    assert len(parts) == 6
    assert all(app["Resources"][name]["Condition"] == "HasRedis" for name in parts)


def test_redis_encrypts_in_transit_and_takes_its_auth_token_from_secrets_manager(templates):
    resources = templates["app"]["Resources"]
    redis = resources["Redis"]["Properties"]
    assert redis["TransitEncryptionEnabled"] is True
    assert redis["AtRestEncryptionEnabled"] is True
    assert redis["AuthToken"] == {"Fn::Sub": "{{resolve:secretsmanager:${RedisAuthToken}}}"}
    subnets = resources["RedisSubnetGroup"]["Properties"]["SubnetIds"]
    assert "PrivateSubnets" in json.dumps(subnets)
    # The instances get the secret's name, never the token.
    assert resources["RedisAuthSecretParameter"]["Properties"]["Value"] == {"Ref": "RedisAuthToken"}
    assert "RedisAuthToken" not in json.dumps(resources["LaunchTemplate"])


def test_redis_is_reachable_only_from_the_instances(templates):
    group = templates["app"]["Resources"]["RedisSecurityGroup"]["Properties"]
    (rule,) = group["SecurityGroupIngress"]
    assert (rule["FromPort"], rule["ToPort"]) == (6379, 6379)
    assert "InstanceSecurityGroup" in json.dumps(rule["SourceSecurityGroupId"])
    assert "CidrIp" not in rule


def test_only_a_stack_with_redis_lets_instances_read_its_token(templates):
    role = templates["app"]["Resources"]["InstanceRole"]["Properties"]["Policies"][0]
    secrets = next(s for s in role["PolicyDocument"]["Statement"] if s["Sid"] == "Secrets")
    assert {"Fn::If": ["HasRedis", {"Ref": "RedisAuthToken"}, {"Ref": "AWS::NoValue"}]} in (
        secrets["Resource"]
    )


def equals_regions(condition):
    return {test["Fn::Equals"][1] for test in condition["Fn::Or"]}


def test_load_balancer_logs_use_the_regional_account_where_mapped_and_the_service_elsewhere(
    templates,
):
    data = templates["data"]
    conditions = data["Conditions"]
    parts = [c["Condition"] for c in conditions["IsElbLogAccountRegion"]["Fn::Or"]]
    mapped = set().union(*(equals_regions(conditions[part]) for part in parts))
    assert mapped == set(data["Mappings"]["ElbLogAccounts"])
    statements = data["Resources"]["LogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    principal = next(s for s in statements if s["Sid"] == "LoadBalancerLogs")["Principal"]
    condition, regional, service = principal["Fn::If"]
    assert condition == "IsElbLogAccountRegion"
    assert "FindInMap" in json.dumps(regional)
    assert service == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


# Regions opened before August 2022 (AWS's list): their logs come from a regional account.
OLD_REGIONS = {
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-south-1", "eu-north-1", "me-south-1", "sa-east-1",
}  # fmt: skip


def test_every_region_opened_before_august_2022_has_its_load_balancer_log_account(templates):
    assert set(templates["data"]["Mappings"]["ElbLogAccounts"]) == OLD_REGIONS
    assert (
        "Rules" not in templates["data"]
        or "LoadBalancerLogAccountKnown" not in (templates["data"]["Rules"])
    )


def test_the_failover_record_knows_the_s3_website_zone_of_every_commercial_region(templates):
    known = set(templates["edge"]["Mappings"]["S3Website"])
    later = {"ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-west-1"}
    later |= {"eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "mx-central-1"}
    assert OLD_REGIONS | later <= known
    for region, target in templates["edge"]["Mappings"]["S3Website"].items():
        assert target["Endpoint"].endswith(f"{region}.amazonaws.com")


def test_the_edge_stack_refuses_a_region_without_a_known_s3_website_zone(templates):
    edge = templates["edge"]
    (assertion,) = edge["Rules"]["SupportedRegion"]["Assertions"]
    regions, tested = assertion["Assert"]["Fn::Contains"]
    assert set(regions) == set(edge["Mappings"]["S3Website"])
    assert tested == {"Ref": "AWS::Region"}


def alarms(templates):
    return {
        (layer, name): resource["Properties"]
        for layer in ("data", "app", "monitoring")
        for name, resource in templates[layer]["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def test_the_data_stack_creates_the_alarm_topic_with_an_optional_email_subscription(templates):
    data = templates["data"]
    assert data["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    subscription = data["Resources"]["AlarmSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert data["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}


def test_every_alarm_notifies_the_alarm_topic(templates):
    topic = {
        "data": [{"Ref": "AlarmTopic"}],
        "app": [{"Fn::ImportValue": {"Fn::Sub": "${ParentDataStack}-AlarmTopicArn"}}],
        "monitoring": [{"Ref": "AlarmTopic"}],
    }
    for (layer, name), alarm in alarms(templates).items():
        assert alarm["AlarmActions"] == topic[layer], name


def test_alarms_watch_errors_latency_hosts_and_the_database(templates):
    watched = {(a["Namespace"], a["MetricName"]) for a in alarms(templates).values()}
    assert {
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/ApplicationELB", "UnHealthyHostCount"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/RDS", "FreeStorageSpace"),
        ("AWS/RDS", "FreeableMemory"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/Lambda", "Errors"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/CloudFront", "5xxErrorRate"),
        ("AWS/Route53", "HealthCheckStatus"),
    } <= watched
    latency = alarms(templates)[("app", "LatencyAlarm")]
    assert latency["ExtendedStatistic"] == "p99"


def test_database_parameters_turn_the_slow_query_log_on_and_require_tls(templates):
    resources = templates["data"]["Resources"]
    assert resources["Database"]["Properties"]["DBParameterGroupName"] == {
        "Ref": "DatabaseParameters"
    }
    parameters = resources["DatabaseParameters"]["Properties"]
    assert parameters["Family"] == "mysql8.4"
    assert parameters["Parameters"]["slow_query_log"] == "1"
    assert parameters["Parameters"]["log_output"] == "FILE"
    assert parameters["Parameters"]["require_secure_transport"] == "1"
    exported = resources["Database"]["Properties"]["EnableCloudwatchLogsExports"]
    assert "slowquery" in exported


def test_no_checkov_skip_leans_on_cloudtrail_which_logs_no_s3_data_events_by_default(templates):
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                assert "CloudTrail" not in skip["comment"], (name, logical_id)


def test_failed_instance_launches_of_the_group_reach_the_alarm_topic(templates):
    rule = templates["app"]["Resources"]["LaunchFailureRule"]["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.autoscaling"]
    assert pattern["detail-type"] == ["EC2 Instance Launch Unsuccessful"]
    assert pattern["detail"]["AutoScalingGroupName"] == [{"Ref": "Group"}]
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::ImportValue": {"Fn::Sub": "${ParentDataStack}-AlarmTopicArn"}}
    policy = templates["data"]["Resources"]["AlarmTopicPolicy"]["Properties"]["PolicyDocument"]
    publishers = {
        s["Principal"]["Service"]: s["Condition"]["StringEquals"]["aws:SourceAccount"]
        for s in policy["Statement"]
        if s["Action"] == "sns:Publish" and s["Effect"] == "Allow"
    }
    assert publishers["events.amazonaws.com"] == {"Ref": "AWS::AccountId"}


def test_jobs_have_a_queue_the_instances_alone_use_with_a_dead_letter_queue(templates):
    app = templates["app"]["Resources"]
    queue = app["JobQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["JobDeadLetterQueue", "Arn"]
    }
    assert queue["VisibilityTimeout"] == 300  # the worker's visibility_timeout (settings)
    role = app["InstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    jobs = next(s for s in role if s["Sid"] == "JobQueue")
    assert jobs["Resource"] == {"Fn::GetAtt": ["JobQueue", "Arn"]}
    assert not {"sqs:CreateQueue", "sqs:ListQueues", "sqs:DeleteQueue"} & set(jobs["Action"])


def test_mail_goes_only_from_the_configured_address(templates):
    role = templates["app"]["Resources"]["InstanceRole"]["Properties"]["Policies"][0]
    mail = next(s for s in role["PolicyDocument"]["Statement"] if s["Sid"] == "Mail")
    assert mail["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFromAddress"}}}


def test_a_job_waiting_ten_minutes_raises_the_alarm(templates):
    alarm = templates["app"]["Resources"]["JobQueueAgeAlarm"]["Properties"]
    assert alarm["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert alarm["Threshold"] == 600
    assert "AlarmTopicArn" in json.dumps(alarm["AlarmActions"])


def test_instances_read_the_queue_settings_from_their_parameters(stacks, aws_client):
    names = {
        p["Name"].rsplit("/", 1)[-1]: p["Value"]
        for page in aws_client("ssm")
        .get_paginator("get_parameters_by_path")
        .paginate(Path="/cblog/cblog-app/")
        for p in page["Parameters"]
    }
    assert names["JOBS_BROKER_URL"] == "sqs://"
    assert names["JOBS_QUEUE_URL"].endswith("/" + names["JOBS_QUEUE"])


def test_contact_messages_go_to_the_admin_addresses_when_the_stack_names_some(templates):
    app = templates["app"]
    parameter = app["Resources"]["AdminsParameter"]
    assert parameter["Condition"] == "HasAdmins"
    assert parameter["Properties"]["Name"] == {"Fn::Sub": "/cblog/${AWS::StackName}/DJANGO_ADMINS"}
    assert parameter["Properties"]["Value"] == {"Ref": "AdminAddresses"}
    pattern = re.compile(app["Parameters"]["AdminAddresses"]["AllowedPattern"])
    assert pattern.fullmatch("") and pattern.fullmatch("ops@example.com,editor@example.org")
    assert not pattern.fullmatch("ops@example.com, editor") and not pattern.fullmatch("ops")


def test_cloudfront_and_health_check_alarms_live_in_us_east_1_with_a_topic_of_their_own(templates):
    monitoring = templates["monitoring"]
    (assertion,) = monitoring["Rules"]["InUsEast1"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    assert ops.FIXED_REGIONS["monitoring"] == "us-east-1"
    resources = monitoring["Resources"]
    errors = resources["ErrorRateAlarm"]["Properties"]
    assert {d["Name"]: d["Value"] for d in errors["Dimensions"]} == {
        "DistributionId": {"Ref": "DistributionId"},
        "Region": "Global",
    }
    health = resources["HealthCheckAlarm"]["Properties"]
    assert health["Dimensions"] == [{"Name": "HealthCheckId", "Value": {"Ref": "HealthCheckId"}}]
    assert (health["ComparisonOperator"], health["Threshold"]) == ("LessThanThreshold", 1)
    assert health["TreatMissingData"] == "breaching"
    subscription = resources["AlarmSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_cloudfront_delivers_its_access_logs_through_standard_logging_v2(templates):
    resources = templates["monitoring"]["Resources"]
    source = resources["AccessLogSource"]["Properties"]
    assert source["LogType"] == "ACCESS_LOGS"
    assert source["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${DistributionId}"
    }
    destination = resources["AccessLogDestination"]["Properties"]
    assert destination["DestinationResourceArn"] == {"Fn::GetAtt": ["AccessLogGroup", "Arn"]}
    delivery = resources["AccessLogDelivery"]
    assert delivery["Properties"] == {
        "DeliverySourceName": {"Ref": "AccessLogSource"},
        "DeliveryDestinationArn": {"Fn::GetAtt": ["AccessLogDestination", "Arn"]},
    }
    policy = json.loads(
        resources["AccessLogPolicy"]["Properties"]["PolicyDocument"]["Fn::Sub"].replace("$", "")
    )
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert delivery["DependsOn"] == "AccessLogPolicy"


def test_every_log_group_the_stacks_create_or_cause_keeps_a_bounded_retention(templates):
    for name, template in templates.items():
        resources = template["Resources"]
        for logical_id, resource in resources.items():
            properties = resource.get("Properties", {})
            if resource["Type"] == "AWS::Logs::LogGroup":
                assert properties.get("RetentionInDays"), (name, logical_id)
            # A function without a log group of the stack's would log to one without retention.
            if resource["Type"] == "AWS::Lambda::Function":
                group = properties["LoggingConfig"]["LogGroup"]["Ref"]
                assert resources[group]["Type"] == "AWS::Logs::LogGroup", (name, logical_id)


def test_the_dashboard_shows_the_edge_the_app_and_the_database_of_this_environment(
    stacks, aws_client
):
    name = stacks["edge"]["DashboardUrl"].rsplit("name=", 1)[1]
    body = json.loads(aws_client("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"])
    metrics = {
        (metric[0], metric[1]): (widget["properties"]["region"], metric[2:])
        for widget in body["widgets"]
        for metric in widget["properties"]["metrics"]
    }
    region, dimensions = metrics[("AWS/CloudFront", "5xxErrorRate")]
    assert region == "us-east-1"
    assert stacks["edge"]["DistributionId"] in dimensions
    region, dimensions = metrics[("AWS/RDS", "FreeStorageSpace")]
    assert region == AWS_REGION
    assert stacks["data"]["DatabaseIdentifier"] in dimensions
    _, dimensions = metrics[("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count")]
    assert stacks["app"]["LoadBalancerFullName"] in dimensions
    _, dimensions = metrics[("AWS/AutoScaling", "GroupInServiceInstances")]
    assert stacks["app"]["AutoScalingGroup"] in dimensions
    assert {
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/ApplicationELB", "UnHealthyHostCount"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/Lambda", "Errors"),
    } <= metrics.keys()


def test_the_databases_exported_logs_land_in_groups_the_stack_made_first_with_retention(templates):
    resources = templates["data"]["Resources"]
    database = resources["Database"]
    identifier = database["Properties"]["DBInstanceIdentifier"]["Fn::Sub"]
    exported = database["Properties"]["EnableCloudwatchLogsExports"]
    groups = {
        resources[name]["Properties"]["LogGroupName"]["Fn::Sub"]: name
        for name in database["DependsOn"]
    }
    assert set(groups) == {f"/aws/rds/instance/{identifier}/{log}" for log in exported}
    for name in groups.values():
        assert resources[name]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}


def contains_rule(template, name):
    (assertion,) = template["Rules"][name]["Assertions"]
    allowed, tested = assertion["Assert"]["Fn::Contains"]
    return set(allowed), tested


def test_instance_and_database_sizes_are_checked_before_anything_is_created(templates):
    allowed, tested = contains_rule(templates["app"], "InstanceSize")
    assert tested == {"Ref": "InstanceType"}
    assert templates["app"]["Parameters"]["InstanceType"]["Default"] in allowed
    # Graviton cannot boot the amd64 AMI; a micro has 1 GiB, too little for the app and worker.
    assert not {"t4g.small", "m7g.large", "t3.micro", "t3.nano"} & allowed
    allowed, tested = contains_rule(templates["data"], "DatabaseSize")
    assert tested == {"Ref": "DBInstanceClass"}
    assert templates["data"]["Parameters"]["DBInstanceClass"]["Default"] in allowed
    # Previous generations that RDS for MySQL 8.4 does not run.
    assert not {"db.t2.micro", "db.m4.large", "db.m5.large"} & allowed
    example = json.loads((DEPLOY / "environments" / "example.json").read_text())
    assert (
        example["Parameters"]["app"]["InstanceType"]
        in contains_rule(templates["app"], "InstanceSize")[0]
    )
