// The openai client operations against the faithful mock (all must work), every relay dialect
// and every break (each must give the outcomes recorded in spec/clients.yaml).
import { describeClientMatrix } from './matrix.js';

describeClientMatrix('openai');
