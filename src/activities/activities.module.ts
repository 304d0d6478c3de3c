import { Module } from '@nestjs/common';
import { ActivitiesController } from './activities.controller.js';
import { ActivityHandler } from './activities.handler.js';

@Module({ controllers: [ActivitiesController], providers: [ActivityHandler] })
export class ActivitiesModule {}
