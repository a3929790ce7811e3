/**
 * Deployment and ReplicaSet printers (upstream `printDeployment`,
 * `printReplicaSet`). `spec.replicas` defaults to 1 as the API server defaults it.
 */
import type { Deployment, KubeObject, ReplicaSet, Typed } from '../../api/index.js';
import { containerCells, formatLabelSelector, labelSelectorString, since } from './format.js';
import { AGE_COLUMN, column, type KindPrinter, NAME_COLUMN, type PrintedRow, text, WIDE } from './types.js';

const CONTAINERS = column('Containers', 'string', text('Names of each container in the template.'), WIDE);
const IMAGES = column('Images', 'string', text('Images referenced by each container in the template.'), WIDE);

const DEPLOYMENT_COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', text('Number of the pod with ready state')),
  column('Up-to-date', 'string', 'deploymentUpdatedReplicas'),
  column('Available', 'string', 'deploymentAvailableReplicas'),
  AGE_COLUMN,
  CONTAINERS,
  IMAGES,
  column('Selector', 'string', 'deploymentSelector', WIDE),
];

function deploymentRow(obj: KubeObject, now: number): PrintedRow {
  const d = obj as Typed<Deployment>;
  const [names, images] = containerCells(d.spec?.template?.spec?.containers);
  return {
    cells: [
      d.metadata.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      since(d.metadata.creationTimestamp, now),
      names,
      images,
      labelSelectorString(d.spec?.selector),
    ],
  };
}

const REPLICASET_COLUMNS = [
  NAME_COLUMN,
  column('Desired', 'integer', 'replicaSetReplicas'),
  column('Current', 'integer', 'replicaSetStatusReplicas'),
  column('Ready', 'integer', 'replicaSetReadyReplicas'),
  AGE_COLUMN,
  CONTAINERS,
  IMAGES,
  column('Selector', 'string', 'replicaSetSelector', WIDE),
];

function replicaSetRow(obj: KubeObject, now: number): PrintedRow {
  const rs = obj as Typed<ReplicaSet>;
  const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
  return {
    cells: [
      rs.metadata.name ?? '',
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      since(rs.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ],
  };
}

/** Upstream's deployment printer (columns and row cells). */
export const deploymentPrinter: KindPrinter = { columns: DEPLOYMENT_COLUMNS, row: deploymentRow };
/** Upstream's replicaSet printer (columns and row cells). */
export const replicaSetPrinter: KindPrinter = { columns: REPLICASET_COLUMNS, row: replicaSetRow };
