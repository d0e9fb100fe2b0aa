// The tests of this assembly run one at a time: a test that allocates while another one is inside a libtorch call
// can trigger the garbage collection that frees TorchSharp's temporary scalars mid-call (see GcQuietStep).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
