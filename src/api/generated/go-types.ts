/**
 * Go types of the API fields whose type the JSON schema (`api-schema.ts`) does
 * not determine: 64-bit integers, named string types (`v1.Protocol`), named
 * maps (`v1.ResourceList`), times, byte slices. Read from the `types.go` files
 * of k8s.io/api v0.32 (core, apps, discovery, networking, coordination v1) and
 * k8s.io/apimachinery v0.32 (`pkg/apis/meta/v1`);
 * every other field has the Go type its schema code implies (see
 * `goTypeOf` in ../unknown-fields.ts). The API server names these types in
 * decode errors (`json: cannot unmarshal string into Go struct field
 * DeploymentSpec.spec.replicas of type int32`). Pointers are left out, as
 * Go's decoder names the type it stores into.
 */
export const GO_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'apps.DeploymentCondition': {
    lastTransitionTime: 'v1.Time',
    lastUpdateTime: 'v1.Time',
    status: 'v1.ConditionStatus',
    type: 'v1.DeploymentConditionType',
  },
  'apps.DeploymentStatus': {
    observedGeneration: 'int64',
  },
  'apps.DeploymentStrategy': {
    type: 'v1.DeploymentStrategyType',
  },
  'apps.ReplicaSetCondition': {
    lastTransitionTime: 'v1.Time',
    status: 'v1.ConditionStatus',
    type: 'v1.ReplicaSetConditionType',
  },
  'apps.ReplicaSetStatus': {
    observedGeneration: 'int64',
  },
  'coordination.LeaseSpec': {
    acquireTime: 'v1.MicroTime',
    renewTime: 'v1.MicroTime',
  },
  'core.AppArmorProfile': {
    type: 'v1.AppArmorProfileType',
  },
  'core.AttachedVolume': {
    name: 'v1.UniqueVolumeName',
  },
  'core.AzureDiskVolumeSource': {
    cachingMode: 'v1.AzureDataDiskCachingMode',
  },
  'core.Capabilities': {
    add: '[]v1.Capability',
    drop: '[]v1.Capability',
  },
  'core.ConfigMap': {
    binaryData: 'map[string][]uint8',
  },
  'core.ConfigMapNodeConfigSource': {
    uid: 'types.UID',
  },
  'core.Container': {
    imagePullPolicy: 'v1.PullPolicy',
    restartPolicy: 'v1.ContainerRestartPolicy',
    terminationMessagePolicy: 'v1.TerminationMessagePolicy',
  },
  'core.ContainerImage': {
    sizeBytes: 'int64',
  },
  'core.ContainerPort': {
    protocol: 'v1.Protocol',
  },
  'core.ContainerResizePolicy': {
    resourceName: 'v1.ResourceName',
    restartPolicy: 'v1.ResourceResizeRestartPolicy',
  },
  'core.ContainerStateRunning': {
    startedAt: 'v1.Time',
  },
  'core.ContainerStateTerminated': {
    finishedAt: 'v1.Time',
    startedAt: 'v1.Time',
  },
  'core.ContainerStatus': {
    allocatedResources: 'v1.ResourceList',
  },
  'core.EmptyDirVolumeSource': {
    medium: 'v1.StorageMedium',
  },
  'core.EndpointPort': {
    protocol: 'v1.Protocol',
  },
  'core.EphemeralContainer': {
    imagePullPolicy: 'v1.PullPolicy',
    restartPolicy: 'v1.ContainerRestartPolicy',
    terminationMessagePolicy: 'v1.TerminationMessagePolicy',
  },
  'core.Event': {
    eventTime: 'v1.MicroTime',
    firstTimestamp: 'v1.Time',
    lastTimestamp: 'v1.Time',
  },
  'core.EventSeries': {
    lastObservedTime: 'v1.MicroTime',
  },
  'core.HTTPGetAction': {
    scheme: 'v1.URIScheme',
  },
  'core.HostPathVolumeSource': {
    type: 'v1.HostPathType',
  },
  'core.LoadBalancerIngress': {
    ipMode: 'v1.LoadBalancerIPMode',
  },
  'core.NamespaceCondition': {
    lastTransitionTime: 'v1.Time',
    status: 'v1.ConditionStatus',
    type: 'v1.NamespaceConditionType',
  },
  'core.NamespaceSpec': {
    finalizers: '[]v1.FinalizerName',
  },
  'core.NamespaceStatus': {
    phase: 'v1.NamespacePhase',
  },
  'core.NodeAddress': {
    type: 'v1.NodeAddressType',
  },
  'core.NodeCondition': {
    lastHeartbeatTime: 'v1.Time',
    lastTransitionTime: 'v1.Time',
    status: 'v1.ConditionStatus',
    type: 'v1.NodeConditionType',
  },
  'core.NodeSelectorRequirement': {
    operator: 'v1.NodeSelectorOperator',
  },
  'core.NodeStatus': {
    allocatable: 'v1.ResourceList',
    capacity: 'v1.ResourceList',
    phase: 'v1.NodePhase',
    volumesInUse: '[]v1.UniqueVolumeName',
  },
  'core.ObjectReference': {
    uid: 'types.UID',
  },
  'core.PersistentVolumeClaimSpec': {
    accessModes: '[]v1.PersistentVolumeAccessMode',
    volumeMode: 'v1.PersistentVolumeMode',
  },
  'core.PodCondition': {
    lastProbeTime: 'v1.Time',
    lastTransitionTime: 'v1.Time',
    status: 'v1.ConditionStatus',
    type: 'v1.PodConditionType',
  },
  'core.PodOS': {
    name: 'v1.OSName',
  },
  'core.PodReadinessGate': {
    conditionType: 'v1.PodConditionType',
  },
  'core.PodSecurityContext': {
    fsGroup: 'int64',
    fsGroupChangePolicy: 'v1.PodFSGroupChangePolicy',
    runAsGroup: 'int64',
    runAsUser: 'int64',
    supplementalGroups: '[]int64',
  },
  'core.PodSpec': {
    activeDeadlineSeconds: 'int64',
    dnsPolicy: 'v1.DNSPolicy',
    overhead: 'v1.ResourceList',
    preemptionPolicy: 'v1.PreemptionPolicy',
    restartPolicy: 'v1.RestartPolicy',
    terminationGracePeriodSeconds: 'int64',
  },
  'core.PodStatus': {
    phase: 'v1.PodPhase',
    qosClass: 'v1.PodQOSClass',
    resize: 'v1.PodResizeStatus',
    startTime: 'v1.Time',
  },
  'core.PortStatus': {
    protocol: 'v1.Protocol',
  },
  'core.Probe': {
    terminationGracePeriodSeconds: 'int64',
  },
  'core.ResourceRequirements': {
    limits: 'v1.ResourceList',
    requests: 'v1.ResourceList',
  },
  'core.SeccompProfile': {
    type: 'v1.SeccompProfileType',
  },
  'core.Secret': {
    data: 'map[string][]uint8',
    type: 'v1.SecretType',
  },
  'core.SecurityContext': {
    procMount: 'v1.ProcMountType',
    runAsGroup: 'int64',
    runAsUser: 'int64',
  },
  'core.ServiceAccountTokenProjection': {
    expirationSeconds: 'int64',
  },
  'core.ServicePort': {
    protocol: 'v1.Protocol',
  },
  'core.ServiceSpec': {
    externalTrafficPolicy: 'v1.ServiceExternalTrafficPolicy',
    internalTrafficPolicy: 'v1.ServiceInternalTrafficPolicy',
    ipFamilies: '[]v1.IPFamily',
    ipFamilyPolicy: 'v1.IPFamilyPolicy',
    sessionAffinity: 'v1.ServiceAffinity',
    type: 'v1.ServiceType',
  },
  'core.SleepAction': {
    seconds: 'int64',
  },
  'core.Taint': {
    effect: 'v1.TaintEffect',
    timeAdded: 'v1.Time',
  },
  'core.Toleration': {
    effect: 'v1.TaintEffect',
    operator: 'v1.TolerationOperator',
    tolerationSeconds: 'int64',
  },
  'core.TopologySpreadConstraint': {
    nodeAffinityPolicy: 'v1.NodeInclusionPolicy',
    nodeTaintsPolicy: 'v1.NodeInclusionPolicy',
    whenUnsatisfiable: 'v1.UnsatisfiableConstraintAction',
  },
  'core.VolumeMount': {
    mountPropagation: 'v1.MountPropagationMode',
    recursiveReadOnly: 'v1.RecursiveReadOnlyMode',
  },
  'core.VolumeMountStatus': {
    recursiveReadOnly: 'v1.RecursiveReadOnlyMode',
  },
  'core.VolumeResourceRequirements': {
    limits: 'v1.ResourceList',
    requests: 'v1.ResourceList',
  },
  'discovery.EndpointPort': {
    protocol: 'v1.Protocol',
  },
  'discovery.EndpointSlice': {
    addressType: 'v1.AddressType',
  },
  'meta.Condition': {
    lastTransitionTime: 'v1.Time',
    observedGeneration: 'int64',
    status: 'v1.ConditionStatus',
  },
  'meta.LabelSelectorRequirement': {
    operator: 'v1.LabelSelectorOperator',
  },
  'meta.ManagedFieldsEntry': {
    fieldsV1: 'v1.FieldsV1',
    operation: 'v1.ManagedFieldsOperationType',
    time: 'v1.Time',
  },
  'meta.ObjectMeta': {
    creationTimestamp: 'v1.Time',
    deletionGracePeriodSeconds: 'int64',
    deletionTimestamp: 'v1.Time',
    generation: 'int64',
    uid: 'types.UID',
  },
  'meta.OwnerReference': {
    uid: 'types.UID',
  },
  'networking.HTTPIngressPath': {
    pathType: 'v1.PathType',
  },
  'networking.IngressPortStatus': {
    protocol: 'v1.Protocol',
  },
  'networking.NetworkPolicyPort': {
    protocol: 'v1.Protocol',
  },
  'networking.NetworkPolicySpec': {
    policyTypes: '[]v1.PolicyType',
  },
};
