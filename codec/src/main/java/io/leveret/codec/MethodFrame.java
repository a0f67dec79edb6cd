package io.leveret.codec;

/** A method frame (type 1). */
public record MethodFrame(int channel, Method method) implements Frame {
}
