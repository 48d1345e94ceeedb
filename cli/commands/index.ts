/** Every zonedao command, in the order `zonedao help` lists them: operators', citizens', verifiers'. */
import type { Command } from "../flags.js";
import { audit } from "./audit.js";
import { deploy } from "./deploy.js";
import { dividendClaim } from "./dividend-claim.js";
import { dividendList } from "./dividend-list.js";
import { execute } from "./execute.js";
import { identityNew } from "./identity-new.js";
import { identityShow } from "./identity-show.js";
import { ledger } from "./ledger.js";
import { memberAdd } from "./member-add.js";
import { memberAdmit } from "./member-admit.js";
import { memberApply } from "./member-apply.js";
import { memberInvite } from "./member-invite.js";
import { memberPending } from "./member-pending.js";
import { memberReject } from "./member-reject.js";
import { productionAction } from "./production-action.js";
import { productionAttest } from "./production-attest.js";
import { productionClaim } from "./production-claim.js";
import { productionList } from "./production-list.js";
import { proposalList } from "./proposal-list.js";
import { proposalShow } from "./proposal-show.js";
import { propose } from "./propose.js";
import { relayer } from "./relayer.js";
import { serviceClaim } from "./service-claim.js";
import { serviceList } from "./service-list.js";
import { teller } from "./teller.js";
import { vote } from "./vote.js";
import { zoneCreate } from "./zone-create.js";
import { zoneFund } from "./zone-fund.js";
import { zoneShow } from "./zone-show.js";

export const commands: readonly Command[] = [
  deploy,
  zoneCreate,
  zoneFund,
  zoneShow,
  ledger,
  memberAdd,
  memberPending,
  memberAdmit,
  memberApply,
  identityNew,
  identityShow,
  propose,
  proposalList,
  proposalShow,
  memberReject,
  memberInvite,
  vote,
  dividendList,
  dividendClaim,
  execute,
  serviceList,
  serviceClaim,
  productionList,
  productionAction,
  productionAttest,
  productionClaim,
  relayer,
  teller,
  audit,
];
