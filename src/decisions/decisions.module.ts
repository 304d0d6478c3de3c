import { Module } from '@nestjs/common';
import { DecisionsController } from './decisions.controller.js';
import { DecisionHandler } from './decisions.handler.js';

@Module({ controllers: [DecisionsController], providers: [DecisionHandler] })
export class DecisionsModule {}
