package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-memory rewrite of the published MobileFaceNet.tflite: each of the three rewrites, checked
 * by reading the patched flatbuffer back, and the refusal of graphs that differ from the expected
 * one (each made by changing one thing of the real file).
 */
class MobileFaceNetGraphTest {

    private static byte[] original;

    @BeforeAll
    static void load() throws Exception {
        original = Files.readAllBytes(Shared.models().resolve(MobileFaceNetRecognizer.DEFAULT_MODEL));
        assertThat(ModelFiles.sha256(Shared.models().resolve(MobileFaceNetRecognizer.DEFAULT_MODEL)))
                .isEqualTo(MobileFaceNetRecognizer.DEFAULT_SHA256);
    }

    private static int countCode(MobileFaceNetGraph.Graph g, int code) {
        int n = 0;
        for (int op = 0; op < g.operators.length; op++) {
            if (g.code(op) == code) {
                n++;
            }
        }
        return n;
    }

    /** The PReLU multiplies of a graph (MUL operators whose consumer is an ADD), in graph order. */
    private static List<Integer> preluMuls(MobileFaceNetGraph.Graph g) {
        List<Integer> out = new ArrayList<>();
        for (int op = 0; op < g.operators.length; op++) {
            if (g.code(op) == MobileFaceNetGraph.MUL) {
                out.add(op);
            }
        }
        return out;
    }

    private static float[] floats(MobileFaceNetGraph.Graph g, int tensor) {
        int data = g.data(tensor);
        float[] out = new float[g.length(data) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = g.buf.getFloat(data + 4 * i);
        }
        return out;
    }

    @Test
    void absBecomesReluAndTheMultiplyConstantsAreDoubled() {
        MobileFaceNetGraph.Patched patched = MobileFaceNetGraph.patch(original);
        MobileFaceNetGraph.Graph before = new MobileFaceNetGraph.Graph(original.clone());
        MobileFaceNetGraph.Graph after = new MobileFaceNetGraph.Graph(patched.bytes());
        assertThat(patched.prelus()).isEqualTo(33);
        assertThat(countCode(before, MobileFaceNetGraph.ABS)).isEqualTo(33);
        assertThat(countCode(after, MobileFaceNetGraph.ABS)).isZero();
        assertThat(countCode(after, MobileFaceNetGraph.RELU)).isEqualTo(countCode(before, MobileFaceNetGraph.RELU) + 33);
        List<Integer> mulsBefore = preluMuls(before);
        List<Integer> mulsAfter = preluMuls(after);
        assertThat(mulsAfter).hasSize(33).isEqualTo(mulsBefore);
        for (int op : mulsBefore) {
            float[] c = floats(before, before.inputs(op)[0]);
            float[] c2 = floats(after, after.inputs(op)[1]);
            assertThat(c2).hasSize(c.length);
            for (int i = 0; i < c.length; i++) {
                assertThat(c2[i]).isEqualTo(2 * c[i]);
            }
        }
        // the former ABS operators read the same tensor and now compute relu
        for (int op = 0; op < before.operators.length; op++) {
            if (before.code(op) == MobileFaceNetGraph.ABS) {
                assertThat(after.code(op)).isEqualTo(MobileFaceNetGraph.RELU);
                assertThat(after.inputs(op)).isEqualTo(before.inputs(op));
            }
        }
    }

    @Test
    void multiplyOperandsAreSwappedSoThatTheConstantIsSecond() {
        MobileFaceNetGraph.Graph before = new MobileFaceNetGraph.Graph(original.clone());
        MobileFaceNetGraph.Graph after = new MobileFaceNetGraph.Graph(MobileFaceNetGraph.patch(original).bytes());
        for (int op : preluMuls(before)) {
            int[] in = before.inputs(op);
            assertThat(before.data(in[0])).as("constant first in the original").isGreaterThanOrEqualTo(0);
            assertThat(after.inputs(op)).containsExactly(in[1], in[0]);
            assertThat(after.data(after.inputs(op)[1])).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void finalReshapeTargetBecomesMinusOneBy192() {
        MobileFaceNetGraph.Graph before = new MobileFaceNetGraph.Graph(original.clone());
        MobileFaceNetGraph.Graph after = new MobileFaceNetGraph.Graph(MobileFaceNetGraph.patch(original).bytes());
        int op = reshapeOp(after);
        int shapeTensor = after.inputs(op)[1];
        assertThat(ints(before, shapeTensor)).containsExactly(2, 192);
        assertThat(ints(after, shapeTensor)).containsExactly(-1, 192);
        int options = after.vector(refOptions(after, op), 0);
        assertThat(after.length(options)).isEqualTo(2);
        assertThat(new int[] {after.buf.getInt(options), after.buf.getInt(options + 4)}).containsExactly(-1, 192);
        assertThat(MobileFaceNetGraph.patch(original).bytes()).hasSameSizeAs(original);
    }

    @Test
    void theOriginalBytesAreNotChanged() throws Exception {
        byte[] copy = original.clone();
        MobileFaceNetGraph.patch(copy);
        assertThat(copy).isEqualTo(original);
    }

    private static int reshapeOp(MobileFaceNetGraph.Graph g) {
        for (int op = 0; op < g.operators.length; op++) {
            if (g.code(op) == MobileFaceNetGraph.RESHAPE) {
                return op;
            }
        }
        throw new AssertionError("no reshape");
    }

    /** Position of the options table of an operator. */
    private static int refOptions(MobileFaceNetGraph.Graph g, int op) {
        int p = g.field(g.operators[op], 4);
        return p + g.buf.getInt(p);
    }

    private static int[] ints(MobileFaceNetGraph.Graph g, int tensor) {
        int data = g.data(tensor);
        return new int[] {g.buf.getInt(data), g.buf.getInt(data + 4)};
    }

    // ---- refusals ----

    @Test
    void refusesATruncatedFile() {
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(Arrays.copyOf(original, original.length / 2)))
                .isInstanceOf(ModelException.class).hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(Arrays.copyOf(original, 6)))
                .isInstanceOf(ModelException.class).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void refusesAnotherFile() throws Exception {
        byte[] yunet = Files.readAllBytes(Shared.models().resolve(Shared.YUNET));
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(yunet))
                .isInstanceOf(ModelException.class).hasMessageContaining("no TFL3 file identifier");
    }

    @Test
    void refusesAnAlreadyRewrittenGraph() {
        byte[] once = MobileFaceNetGraph.patch(original).bytes();
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(once))
                .isInstanceOf(ModelException.class).hasMessageContaining("no ABS operator");
    }

    @Test
    void refusesAMultiplyWhoseConstantIsAlreadySecond() {
        byte[] bytes = original.clone();
        MobileFaceNetGraph.Graph g = new MobileFaceNetGraph.Graph(bytes);
        int op = preluMuls(g).get(5);
        int in = g.vector(g.operators[op], 1);
        int first = g.buf.getInt(in);
        g.buf.putInt(in, g.buf.getInt(in + 4));
        g.buf.putInt(in + 4, first);
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(bytes))
                .isInstanceOf(ModelException.class).hasMessageContaining("is not constant * (x - abs(x))");
    }

    @Test
    void refusesASharedConstant() {
        byte[] bytes = original.clone();
        MobileFaceNetGraph.Graph g = new MobileFaceNetGraph.Graph(bytes);
        List<Integer> muls = preluMuls(g);
        int c0 = g.inputs(muls.get(0))[0];
        int c1 = g.inputs(muls.get(1))[0];
        g.buf.putInt(g.field(g.tensors[c1], 2), g.bufferIndex(c0));
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(bytes))
                .isInstanceOf(ModelException.class).hasMessageContaining("is shared");
    }

    @Test
    void refusesAnAbsOutsideAPrelu() {
        byte[] bytes = original.clone();
        MobileFaceNetGraph.Graph g = new MobileFaceNetGraph.Graph(bytes);
        // turn one SUB of a PReLU into an ADD: abs(x) is then not used as x - abs(x)
        int addCode = -1;
        for (int i = 0; i < g.codes.length; i++) {
            if (g.codes[i] == MobileFaceNetGraph.ADD) {
                addCode = i;
            }
        }
        for (int op = 0; op < g.operators.length; op++) {
            if (g.code(op) == MobileFaceNetGraph.SUB) {
                int p = g.field(g.operators[op], 0);
                assertThat(p).isPositive();
                g.buf.putInt(p, addCode);
                break;
            }
        }
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(bytes))
                .isInstanceOf(ModelException.class).hasMessageContaining("is not used by exactly one SUB");
    }

    @Test
    void refusesAnotherReshapeTarget() {
        byte[] bytes = original.clone();
        MobileFaceNetGraph.Graph g = new MobileFaceNetGraph.Graph(bytes);
        int data = g.data(g.inputs(reshapeOp(g))[1]);
        g.buf.putInt(data + 4, 128);
        assertThatThrownBy(() -> MobileFaceNetGraph.patch(bytes))
                .isInstanceOf(ModelException.class).hasMessageContaining("is not the constant [2, 192]");
    }
}
