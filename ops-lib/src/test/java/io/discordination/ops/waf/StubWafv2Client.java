package io.discordination.ops.waf;

import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.IPSet;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WAFv2 client holding one IPv4 IP set in memory: GetIPSet returns its addresses and lock token,
 * UpdateIPSet replaces them when the token is current and is refused with WAFOptimisticLockException
 * when it is stale, as WAF does. {@link #addByAnotherWriterAfterNextRead} plays an operator who
 * adds an address between our read and our write. Every request is kept.
 */
final class StubWafv2Client implements Wafv2Client {
    final List<GetIpSetRequest> reads = new CopyOnWriteArrayList<>();
    final List<UpdateIpSetRequest> updates = new CopyOnWriteArrayList<>();
    private final String name;
    private final String id;
    private List<String> addresses;
    private int version = 1;
    private String otherWritersAddress;

    StubWafv2Client(String name, String id, List<String> addresses) {
        this.name = name;
        this.id = id;
        this.addresses = new ArrayList<>(addresses);
    }

    synchronized List<String> addresses() {
        return List.copyOf(addresses);
    }

    /** After the next read, someone else adds {@code cidr}: our update then carries a stale token. */
    synchronized void addByAnotherWriterAfterNextRead(String cidr) {
        otherWritersAddress = cidr;
    }

    @Override
    public synchronized GetIpSetResponse getIPSet(GetIpSetRequest request) {
        reads.add(request);
        GetIpSetResponse response = GetIpSetResponse.builder().lockToken(token())
                .ipSet(IPSet.builder().name(name).id(id).ipAddressVersion(IPAddressVersion.IPV4)
                        .description("blocked by the on-call team").addresses(addresses).build())
                .build();
        if (otherWritersAddress != null) {
            addresses.add(otherWritersAddress);
            otherWritersAddress = null;
            version++;
        }
        return response;
    }

    @Override
    public synchronized UpdateIpSetResponse updateIPSet(UpdateIpSetRequest request) {
        updates.add(request);
        if (!token().equals(request.lockToken())) {
            throw WafOptimisticLockException.builder().message("AWS WAF couldn't save your changes: the lock token is stale")
                    .statusCode(400).build();
        }
        addresses = new ArrayList<>(request.addresses());
        version++;
        return UpdateIpSetResponse.builder().nextLockToken(token()).build();
    }

    private String token() {
        return "token-" + version;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
