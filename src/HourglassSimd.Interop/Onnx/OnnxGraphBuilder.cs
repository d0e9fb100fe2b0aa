namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// Collects the nodes, initializers, inputs and outputs of one ONNX graph (default <c>ai.onnx</c> domain) and
/// assembles the <c>ModelProto</c>. Initializers are written with <c>raw_data</c> and are not listed as graph
/// inputs, so runtimes treat them as constants (constant folding, weight pre-packing, layout rewrites).
/// Every node and initializer name must be unique; a node's output is named after the node.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly List<ProtoMessage> _nodes = [];
    private readonly List<ProtoMessage> _initializers = [];
    private readonly List<ProtoMessage> _inputs = [];
    private readonly List<ProtoMessage> _outputs = [];
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _operatorCounts = new(StringComparer.Ordinal);

    public int NodeCount => _nodes.Count;

    /// <summary>The operator set <see cref="BuildModel"/> assembled the model with (for the summary).</summary>
    public int Opset { get; private set; }

    public int InitializerCount => _initializers.Count;

    /// <summary>Elements stored in initializers.</summary>
    public long InitializerElements { get; private set; }

    /// <summary>Nodes per operator type.</summary>
    public IReadOnlyDictionary<string, int> OperatorCounts => _operatorCounts;

    /// <summary>Adds a float32 constant and returns its name.</summary>
    public string AddInitializer(string name, IReadOnlyList<int> dims, float[] data)
    {
        CheckElementCount(name, dims, data.Length);
        var tensor = TensorHeader(name, dims, OnnxFields.DataType.Float).FloatsAsBytes(OnnxFields.Tensor.RawData, data);
        return AddInitializer(name, tensor, data.Length);
    }

    /// <summary>Adds an int64 constant and returns its name.</summary>
    public string AddInt64Initializer(string name, IReadOnlyList<int> dims, long[] data)
    {
        CheckElementCount(name, dims, data.Length);
        var tensor = TensorHeader(name, dims, OnnxFields.DataType.Int64).Int64sAsBytes(OnnxFields.Tensor.RawData, data);
        return AddInitializer(name, tensor, data.Length);
    }

    /// <summary>Adds an int8 constant (quantized weights, their zero points) and returns its name.</summary>
    public string AddInt8Initializer(string name, IReadOnlyList<int> dims, sbyte[] data) => AddIntegerInitializer(name, dims, data, OnnxFields.DataType.Int8);

    /// <summary>Adds a uint8 constant (an activation's zero point) and returns its name.</summary>
    public string AddUInt8Initializer(string name, IReadOnlyList<int> dims, byte[] data) => AddIntegerInitializer(name, dims, data, OnnxFields.DataType.UInt8);

    /// <summary>Adds an int16 constant (an int16 model's weights and zero points) and returns its name.</summary>
    public string AddInt16Initializer(string name, IReadOnlyList<int> dims, short[] data) => AddIntegerInitializer(name, dims, data, OnnxFields.DataType.Int16);

    /// <summary>Adds an int32 constant (a quantized bias) and returns its name.</summary>
    public string AddInt32Initializer(string name, IReadOnlyList<int> dims, int[] data) => AddIntegerInitializer(name, dims, data, OnnxFields.DataType.Int32);

    /// <summary>An integer constant in <c>raw_data</c>, little-endian as ONNX stores it.</summary>
    private string AddIntegerInitializer<T>(string name, IReadOnlyList<int> dims, T[] data, int dataType) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        CheckElementCount(name, dims, data.Length);
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var bytes = new byte[data.Length * size];
        for (int i = 0; i < data.Length; i++)
            data[i].WriteLittleEndian(bytes, i * size);
        return AddInitializer(name, TensorHeader(name, dims, dataType).Bytes(OnnxFields.Tensor.RawData, bytes), data.Length);
    }

    /// <summary>
    /// Adds a node whose single output is named <paramref name="name"/> and returns that name. An empty string in
    /// <paramref name="inputs"/> marks an omitted optional input.
    /// </summary>
    public string AddNode(string opType, string name, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        foreach (string input in inputs)
        {
            if (input.Length > 0 && !_values.Contains(input))
                throw new InvalidOperationException($"Node '{name}' ({opType}) reads '{input}', which no earlier node, initializer or input defines.");
        }
        Define(name);
        var node = new ProtoMessage();
        foreach (string input in inputs)
            node.String(OnnxFields.Node.Input, input);
        node.String(OnnxFields.Node.Output, name).String(OnnxFields.Node.Name, name).String(OnnxFields.Node.OpType, opType);
        foreach (var attribute in attributes)
            node.Message(OnnxFields.Node.Attribute, attribute.ToProto());
        _nodes.Add(node);
        _operatorCounts[opType] = _operatorCounts.GetValueOrDefault(opType) + 1;
        return name;
    }

    /// <summary>Declares a float32 graph input and returns its name.</summary>
    public string AddInput(string name, params OnnxDim[] dims)
    {
        Define(name);
        _inputs.Add(ValueInfo(name, OnnxFields.DataType.Float, dims));
        return name;
    }

    /// <summary>Declares an existing value (a node output) as a float32 graph output.</summary>
    public void AddOutput(string name, params OnnxDim[] dims) => AddOutput(name, OnnxFields.DataType.Float, dims);

    /// <summary>
    /// Declares an existing value (a node output) as a graph output of element type <paramref name="elementType"/>
    /// (<see cref="OnnxFields.DataType"/>); null <paramref name="dims"/> leaves its shape to the runtime's inference.
    /// </summary>
    public void AddOutput(string name, int elementType, params OnnxDim[]? dims)
    {
        if (!_values.Contains(name))
            throw new InvalidOperationException($"Graph output '{name}' is not produced by any node.");
        _outputs.Add(ValueInfo(name, elementType, dims));
    }

    /// <summary>The complete model: IR version, one opset import for the default domain, producer and the graph.</summary>
    public ProtoMessage BuildModel(string graphName, long irVersion, long opsetVersion, string producerName, string producerVersion, string docString)
    {
        Opset = (int)opsetVersion;
        var graph = new ProtoMessage();
        foreach (var node in _nodes)
            graph.Message(OnnxFields.Graph.Node, node);
        graph.String(OnnxFields.Graph.Name, graphName);
        foreach (var initializer in _initializers)
            graph.Message(OnnxFields.Graph.Initializer, initializer);
        graph.String(OnnxFields.Graph.DocString, docString);
        foreach (var input in _inputs)
            graph.Message(OnnxFields.Graph.Input, input);
        foreach (var output in _outputs)
            graph.Message(OnnxFields.Graph.Output, output);

        var opset = new ProtoMessage().String(OnnxFields.OperatorSetId.Domain, "").Varint(OnnxFields.OperatorSetId.Version, opsetVersion);
        return new ProtoMessage()
            .Varint(OnnxFields.Model.IrVersion, irVersion)
            .String(OnnxFields.Model.ProducerName, producerName)
            .String(OnnxFields.Model.ProducerVersion, producerVersion)
            .String(OnnxFields.Model.DocString, docString)
            .Message(OnnxFields.Model.Graph, graph)
            .Message(OnnxFields.Model.OpsetImport, opset);
    }

    private string AddInitializer(string name, ProtoMessage tensor, long elements)
    {
        Define(name);
        _initializers.Add(tensor);
        InitializerElements += elements;
        return name;
    }

    private void Define(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("ONNX value names must not be empty.", nameof(name));
        if (!_values.Add(name))
            throw new InvalidOperationException($"The ONNX graph already defines a value named '{name}'.");
    }

    private static ProtoMessage TensorHeader(string name, IReadOnlyList<int> dims, int dataType)
    {
        var tensor = new ProtoMessage();
        foreach (int d in dims)
            tensor.Varint(OnnxFields.Tensor.Dims, d);
        return tensor.Varint(OnnxFields.Tensor.DataType, dataType).String(OnnxFields.Tensor.Name, name);
    }

    private static void CheckElementCount(string name, IReadOnlyList<int> dims, int count)
    {
        long expected = 1;
        foreach (int d in dims)
            expected *= d;
        if (expected != count)
            throw new ArgumentException($"Initializer '{name}' has dims [{string.Join(", ", dims)}] ({expected} elements) but {count} values.");
    }

    private static ProtoMessage ValueInfo(string name, int elementType, OnnxDim[]? dims)
    {
        var tensorType = new ProtoMessage().Varint(OnnxFields.TensorType.ElemType, elementType);
        if (dims is not null)
        {
            var shape = new ProtoMessage();
            foreach (var d in dims)
                shape.Message(OnnxFields.TensorShape.Dim, d.ToProto());
            tensorType.Message(OnnxFields.TensorType.Shape, shape);
        }
        var type = new ProtoMessage().Message(OnnxFields.Type.TensorType, tensorType);
        return new ProtoMessage().String(OnnxFields.ValueInfo.Name, name).Message(OnnxFields.ValueInfo.Type, type);
    }
}
