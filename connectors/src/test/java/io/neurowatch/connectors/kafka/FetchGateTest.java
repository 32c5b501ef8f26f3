package io.neurowatch.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurowatch.connectors.kafka.FetchGate.Decision;
import org.junit.jupiter.api.Test;

class FetchGateTest {
    private final FetchGate gate = new FetchGate(1000);

    @Test
    void fetchesOnlyForDemandNotCoveredByHeldRecords() {
        assertEquals(Decision.PAUSE_FOR_DEMAND, gate.decide(0, 0, 0));
        assertEquals(Decision.FETCH, gate.decide(0, 0, 1));
        assertEquals(Decision.PAUSE_FOR_DEMAND, gate.decide(64, 640, 64));
        assertEquals(Decision.FETCH, gate.decide(63, 630, 64));
        assertEquals(Decision.FETCH, gate.decide(500, 500, Long.MAX_VALUE));
    }

    @Test
    void byteBoundWinsOverUnboundedDemand() {
        assertEquals(Decision.PAUSE_FOR_BYTES, gate.decide(1, 1000, Long.MAX_VALUE));
        assertEquals(Decision.PAUSE_FOR_BYTES, gate.decide(0, 5000, 0));
        assertEquals(Decision.FETCH, gate.decide(1, 999, Long.MAX_VALUE));
    }

    @Test
    void rejectsNonPositiveBound() {
        assertThrows(IllegalArgumentException.class, () -> new FetchGate(0));
    }
}
