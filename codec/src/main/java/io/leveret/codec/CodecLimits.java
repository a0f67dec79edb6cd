package io.leveret.codec;

/**
 * The bounds the decoder enforces before it allocates anything.
 *
 * @param frameMax      largest frame accepted, header and end octet included (spec 4.2.3); 0 is not allowed here
 * @param maxTableDepth how deeply field tables and arrays may nest
 */
public record CodecLimits(int frameMax, int maxTableDepth) {
    /** The frame size every peer must accept before tuning (spec constant FRAME-MIN-SIZE). */
    public static final int FRAME_MIN_SIZE = 4096;
    public static final int DEFAULT_FRAME_MAX = 131072;
    public static final int DEFAULT_MAX_TABLE_DEPTH = 32;
    public static final CodecLimits DEFAULT = new CodecLimits(DEFAULT_FRAME_MAX, DEFAULT_MAX_TABLE_DEPTH);

    public CodecLimits {
        if (frameMax < FRAME_MIN_SIZE) {
            throw new IllegalArgumentException("frameMax " + frameMax + " is below the AMQP minimum " + FRAME_MIN_SIZE);
        }
        if (maxTableDepth < 1 || maxTableDepth > 1000) {
            throw new IllegalArgumentException("maxTableDepth " + maxTableDepth + " is not in 1..1000");
        }
    }

    public CodecLimits withFrameMax(int newFrameMax) {
        return new CodecLimits(newFrameMax, maxTableDepth);
    }
}
