package io.cutover.coordinator.adapter.kafka;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;

import io.cutover.coordinator.domain.CutoverState;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Saga state as JSON in the state store (and so in its changelog topic). */
public final class StateCodec {

    private final JsonMapper mapper = JsonMapper.builder()
            .changeDefaultVisibility(v -> v.withVisibility(PropertyAccessor.FIELD, Visibility.ANY)
                    .withVisibility(PropertyAccessor.GETTER, Visibility.NONE)
                    .withVisibility(PropertyAccessor.IS_GETTER, Visibility.NONE))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] encode(CutoverState state) {
        return mapper.writeValueAsBytes(state);
    }

    public CutoverState decode(byte[] bytes) {
        return bytes == null ? null : mapper.readValue(bytes, CutoverState.class);
    }
}
