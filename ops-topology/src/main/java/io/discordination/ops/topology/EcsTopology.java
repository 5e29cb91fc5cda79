package io.discordination.ops.topology;

import java.util.Map;

/**
 * The {@code ecs:} section: the cluster, its services and one-off task definitions by short
 * name, and the network one-off tasks run in.
 *
 * <pre>{@code String service = topology.ecs().services().get("api").required();}</pre>
 *
 * @param cluster         the cluster's name
 * @param services        short name ({@code api}) to ECS service name
 * @param taskDefinitions short name ({@code migrate}) to task definition family
 * @param network         awsvpcConfiguration for one-off tasks
 * @param launchType      FARGATE or EC2 for one-off tasks; absent: taken from the task definition
 */
public record EcsTopology(Setting cluster, Map<String, Setting> services, Map<String, Setting> taskDefinitions,
                          Network network, Setting launchType) {
    public EcsTopology {
        cluster = Defaults.orAbsent(cluster);
        services = Defaults.names(services);
        taskDefinitions = Defaults.names(taskDefinitions);
        network = network == null ? Network.empty() : network;
        launchType = Defaults.orAbsent(launchType);
    }

    static EcsTopology empty() {
        return new EcsTopology(null, null, null, null, null);
    }

    /**
     * {@code ecs.network}: where one-off tasks run.
     *
     * @param subnets        a sequence or one comma-separated value ({@code ${PRIVATE_SUBNETS}})
     * @param securityGroups the same
     * @param assignPublicIp {@code true} or {@code false} (the default)
     */
    public record Network(SettingList subnets, SettingList securityGroups, Setting assignPublicIp) {
        public Network {
            subnets = Defaults.orAbsent(subnets);
            securityGroups = Defaults.orAbsent(securityGroups);
            assignPublicIp = Defaults.orAbsent(assignPublicIp);
        }

        static Network empty() {
            return new Network(null, null, null);
        }
    }
}
