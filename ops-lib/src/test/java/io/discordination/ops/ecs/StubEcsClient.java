package io.discordination.ops.ecs;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An ECS client that answers DescribeServices with one service of three running tasks (or MISSING
 * for any other name, as ECS does) and
 * UpdateService with a new PRIMARY deployment, and keeps every request it was sent. Any other
 * operation fails (the SDK's default: UnsupportedOperationException), so a verb that makes an
 * unexpected call is caught.
 */
final class StubEcsClient implements EcsClient {
    final List<DescribeServicesRequest> describes = new CopyOnWriteArrayList<>();
    final List<UpdateServiceRequest> updates = new CopyOnWriteArrayList<>();
    private final String serviceName;

    StubEcsClient(String serviceName) {
        this.serviceName = serviceName;
    }

    @Override
    public DescribeServicesResponse describeServices(DescribeServicesRequest request) {
        describes.add(request);
        if (!request.services().contains(serviceName)) {
            return DescribeServicesResponse.builder().failures(f -> f.arn(request.services().get(0)).reason("MISSING")).build();
        }
        return DescribeServicesResponse.builder().services(service("ecs-svc/old", Instant.parse("2026-12-01T10:00:00Z"))).build();
    }

    @Override
    public UpdateServiceResponse updateService(UpdateServiceRequest request) {
        updates.add(request);
        return UpdateServiceResponse.builder().service(service("ecs-svc/new", Instant.parse("2026-12-01T12:00:00Z"))).build();
    }

    private Service service(String deploymentId, Instant created) {
        return Service.builder().serviceName(serviceName).status("ACTIVE").desiredCount(3).runningCount(3).pendingCount(0)
                .taskDefinition("arn:aws:ecs:us-east-1:123456789012:task-definition/" + serviceName + ":7")
                .deployments(Deployment.builder().id(deploymentId).status("PRIMARY").rolloutState("IN_PROGRESS")
                        .desiredCount(3).runningCount(3).createdAt(created).build())
                .build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
