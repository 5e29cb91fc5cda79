package io.discordination.ops.testing;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.discordination.ops.HandleContext;
import io.discordination.ops.Redactor;
import io.discordination.ops.gate.Gate;
import io.discordination.ops.topology.SettingSource;
import io.discordination.ops.topology.Topology;
import io.discordination.ops.topology.TopologyFiles;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The topology and handle context of unit tests of handles: the environment {@code unit}, read
 * from text (no file, no variables, no endpoint), and the gate the test hands in. With stub
 * clients, nothing a handle does leaves the JVM.
 *
 * <pre>{@code new EcsService(UnitTopology.topology().ecs(), stubEcs, UnitTopology.context(gate), "api")}</pre>
 */
public final class UnitTopology {
    public static final String ENVIRONMENT = """
            name: unit
            protected: false
            ecs:
              cluster: discordination-unit
              services:
                api: api
                gateway: gateway
            rds:
              instance: discordination-unit
            s3:
              bucket: discordination-files
            waf:
              ipSet:
                name: blocked-ips
                scope: REGIONAL
                id: 0f1e2d3c-ipset
              platformRanges: 198.51.100.0/28
            secrets:
              jwt-secret: discordination/jwt-secret
              db-password: discordination/db-password
            """;

    private UnitTopology() {
    }

    public static Topology topology() {
        try {
            return TopologyFiles.read(new YAMLMapper().readTree(ENVIRONMENT), SettingSource.LITERAL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a handle shares with the others, with every effect going through {@code gate}. */
    public static HandleContext context(Gate gate) {
        return HandleContext.of(gate, "unit", new Redactor());
    }
}
