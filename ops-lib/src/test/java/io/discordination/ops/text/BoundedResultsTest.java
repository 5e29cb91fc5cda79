package io.discordination.ops.text;

import io.discordination.ops.livekit.Rooms;
import io.discordination.ops.postgres.DatabaseConnections;
import io.discordination.ops.waf.IpSetAddresses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Results that can hold thousands of rows print their first rows and the totals, not every row. */
class BoundedResultsTest {

    @Test
    void rooms_whenThousands_printsTheFirstRowsTheTotalsAndHowManyAreLeftOut() {
        List<Rooms.Room> rooms = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) rooms.add(new Rooms.Room("voice:" + i, "RM_" + i, 2, 1, 0, Instant.EPOCH));

        String text = new Rooms(rooms).toString();

        assertThat(text).startsWith("5000 rooms, 10000 participants\n");
        assertThat(text).contains("voice:0 ", "... 4950 more rooms left out (--output json has them all)");
        assertThat(text).doesNotContain("voice:4999");
        assertThat(text.lines().count()).isLessThanOrEqualTo(Rooms.PRINTED_ROWS + 3);
    }

    @Test
    void databaseConnections_whenAtTheLimit_printsCountsByStateAndTheFirstRows() {
        List<DatabaseConnections.Session> sessions = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            sessions.add(new DatabaseConnections.Session(1000 + i, "discordination", "api", "10.0.0.1",
                    i < 2_990 ? "idle" : "active", Duration.ofMinutes(12), null, "SELECT 1"));
        }

        String text = new DatabaseConnections("discordination", sessions).toString();

        assertThat(text).startsWith("3000 connections to discordination (by state {active=10, idle=2990})\n");
        assertThat(text).contains("... 2950 more sessions left out");
        assertThat(text.lines().count()).isLessThanOrEqualTo(DatabaseConnections.PRINTED_ROWS + 3);
    }

    @Test
    void ipSetAddresses_whenNearTheLimit_printsTheFirstRowsAndTheCount() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 9_000; i++) addresses.add("198.51." + (i / 256) + "." + (i % 256) + "/32");

        String text = new IpSetAddresses("blocked", "id-1", "REGIONAL", "IPV4", "", addresses, "token").toString();

        assertThat(text).contains("9000", "... 8950 more addresses left out");
        assertThat(text).doesNotContain(addresses.get(8_999));
        assertThat(text.lines().count()).isLessThan(IpSetAddresses.PRINTED_ROWS + 10);
    }

    @Test
    void leftOut_whenEverythingWasShown_isEmpty() {
        assertThat(Table.leftOut(20, 20, "tasks")).isEmpty();
        assertThat(Table.leftOut(21, 20, "tasks")).isEqualTo("... 1 more tasks left out (--output json has them all)\n");
    }
}
